package image

import (
	"errors"
	"io/fs"
	"slices"
	"testing"

	"github.com/vigilsec/vigil"
)

// TestOnly: a Source narrowed to one place reads that place and nothing
// else (a file of one layer with the members of an archive, or one part
// of the config); a layer the image does not have is fs.ErrNotExist.
func TestOnly(t *testing.T) {
	img := storyImage(t)
	ref := saveTarball(t, img)
	var digests []string // as the source reports them (docker save keeps layers uncompressed)
	for _, l := range openImage(t, ref, Options{}).layers {
		digests = append(digests, l.Digest)
	}
	tests := []struct {
		name string
		only Place
		want []string // keys scan reports
	}{
		{"file", Place{Layer: digests[2], Path: "opt/secret.txt"}, []string{"opt/secret.txt@2"}},
		{"archive", Place{Layer: digests[2], Path: "lib/app.jar"}, []string{"lib/app.jar!conf/app.properties@2"}},
		{"deleted file", Place{Layer: digests[0], Path: "app/.env"}, []string{"app/.env@0"}},
		{"config", Place{Path: ConfigEnv}, []string{ConfigEnv}},
		{"file elsewhere", Place{Layer: digests[1], Path: "opt/secret.txt"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := scan(t, openImage(t, ref, Options{Only: &tc.only}))
			got := keys(res.text)
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("read %v, want %v", got, tc.want)
			}
		})
	}
	s := openImage(t, ref, Options{Only: &Place{Layer: "sha256:" + digests[0][7:15] + "0000", Path: "app/.env"}})
	err := s.Chunks(t.Context(), func(vigil.Chunk) error { return nil })
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing layer: %v, want fs.ErrNotExist", err)
	}
}
