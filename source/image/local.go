package image

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// maxJSON caps a manifest, index or config read into memory.
const maxJSON = 32 << 20

// readJSON decodes the store file name into v, refusing files over maxJSON.
func readJSON(st store, name string, v any) ([]byte, error) {
	rc, err := st.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	raw, err := io.ReadAll(io.LimitReader(rc, maxJSON+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(raw) > maxJSON {
		return nil, fmt.Errorf("%s: over %d bytes: not a manifest or config", name, maxJSON)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return raw, nil
}

// saveEntry is one image in the manifest.json of a docker save tarball.
type saveEntry struct {
	Config   string
	RepoTags []string
	Layers   []string
}

// fromDockerSave reads the image of a docker save tarball.
func fromDockerSave(st store) (*image, error) {
	var m []saveEntry
	if _, err := readJSON(st, "manifest.json", &m); err != nil {
		return nil, err
	}
	switch {
	case len(m) == 0:
		return nil, errors.New("manifest.json lists no image")
	case len(m) > 1:
		var tags []string
		for _, e := range m {
			tags = append(tags, e.RepoTags...)
		}
		return nil, fmt.Errorf("the tarball holds %d images (%s): vigil scans one image at a time; save one image per tarball", len(m), strings.Join(tags, ", "))
	}
	e := m[0]
	var cfg v1.ConfigFile
	raw, err := readJSON(st, cleanName(e.Config), &cfg)
	if err != nil {
		return nil, fmt.Errorf("image config: %w", err)
	}
	img := &image{config: &cfg, configDigest: digestOf(raw)}
	for i, name := range e.Layers {
		name = cleanName(name)
		d := name
		if h, ok := blobDigest(name); ok {
			d = h
		} else if i < len(cfg.RootFS.DiffIDs) {
			d = cfg.RootFS.DiffIDs[i].String()
		}
		img.layers = append(img.layers, layerRef{
			digest:    d,
			mediaType: string(types.DockerUncompressedLayer),
			open:      func() (io.ReadCloser, error) { return st.open(name) },
		})
	}
	return img, nil
}

// blobDigest reads the digest in a "blobs/ALG/HEX" path, the layer paths of
// recent docker save tarballs (which are OCI layouts too).
func blobDigest(name string) (string, bool) {
	parts := strings.Split(name, "/")
	if len(parts) != 3 || parts[0] != "blobs" {
		return "", false
	}
	h, err := v1.NewHash(parts[1] + ":" + parts[2])
	if err != nil {
		return "", false
	}
	return h.String(), true
}

func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// fromLayout reads the image of an OCI image layout, choosing by platform
// when its index lists several.
func fromLayout(st store, platform *v1.Platform) (*image, error) {
	var idx v1.IndexManifest
	if _, err := readJSON(st, "index.json", &idx); err != nil {
		return nil, err
	}
	desc, err := pick(idx.Manifests, platform, "index.json")
	for depth := 0; err == nil && desc.MediaType.IsIndex(); depth++ {
		if depth >= 4 {
			return nil, fmt.Errorf("index %s: indexes nested too deep", desc.Digest)
		}
		var nested v1.IndexManifest
		if _, err := readJSON(st, blobPath(desc.Digest), &nested); err != nil {
			return nil, fmt.Errorf("index %s: %w", desc.Digest, err)
		}
		desc, err = pick(nested.Manifests, platform, "index "+desc.Digest.String())
	}
	if err != nil {
		return nil, err
	}
	var m v1.Manifest
	if _, err := readJSON(st, blobPath(desc.Digest), &m); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", desc.Digest, err)
	}
	if err := checkConfigType(desc.Digest, m.Config); err != nil {
		return nil, err
	}
	var cfg v1.ConfigFile
	if _, err := readJSON(st, blobPath(m.Config.Digest), &cfg); err != nil {
		return nil, fmt.Errorf("image config: %w", err)
	}
	img := &image{config: &cfg, configDigest: m.Config.Digest.String()}
	for _, l := range m.Layers {
		img.layers = append(img.layers, layerRef{
			digest:    l.Digest.String(),
			mediaType: string(l.MediaType),
			open:      func() (io.ReadCloser, error) { return st.open(blobPath(l.Digest)) },
		})
	}
	return img, nil
}

// checkConfigType refuses manifests that are not container images (OCI
// artifacts: Helm charts, signatures, SBOMs…).
func checkConfigType(manifest v1.Hash, cfg v1.Descriptor) error {
	if cfg.MediaType.IsConfig() {
		return nil
	}
	return fmt.Errorf("manifest %s: config %s has unsupported media type %q: not a container image", manifest, cfg.Digest, cfg.MediaType)
}

// pick chooses the image manifest (or nested index) of an index: the only
// one, or the one for platform, or linux/amd64 when no platform is given.
// Attestation manifests (platform unknown/unknown) do not count.
func pick(descs []v1.Descriptor, platform *v1.Platform, where string) (v1.Descriptor, error) {
	var imgs []v1.Descriptor
	var other *v1.Descriptor
	for i, d := range descs {
		switch {
		case !d.MediaType.IsImage() && !d.MediaType.IsIndex():
			other = &descs[i]
		case d.Platform != nil && d.Platform.OS == "unknown":
		default:
			imgs = append(imgs, d)
		}
	}
	if len(imgs) == 0 {
		if other != nil {
			return v1.Descriptor{}, fmt.Errorf("%s: manifest %s has unsupported media type %q: not a container image", where, other.Digest, other.MediaType)
		}
		return v1.Descriptor{}, fmt.Errorf("%s lists no image", where)
	}
	want := platform
	if want == nil {
		if len(imgs) == 1 {
			return imgs[0], nil
		}
		want = &v1.Platform{OS: "linux", Architecture: "amd64"}
	}
	var have []string
	for _, d := range imgs {
		if d.Platform == nil {
			if len(imgs) == 1 {
				return d, nil
			}
			continue
		}
		if d.Platform.Satisfies(*want) {
			return d, nil
		}
		have = append(have, d.Platform.String())
	}
	return v1.Descriptor{}, fmt.Errorf("%s has no image for %s (it has %s): choose one with --platform", where, want, strings.Join(have, ", "))
}
