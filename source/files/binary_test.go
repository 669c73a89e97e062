package files

import "testing"

// TestIsBinaryName: the one name test every source uses (a directory walk,
// git history, archive members) judges the last element of a path by its
// extension, in any case, and an archive member by its own name.
func TestIsBinaryName(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"logo.png", true},
		{"assets/Logo.PNG", true},
		{"lib/libssl.so", true},
		{"app.jar!com/acme/Main.class", true},
		{"fonts.zip!a/b.woff2", true},
		{"a.png!notes.txt", false},    // a text member of an oddly named archive
		{"img.png/config.env", false}, // a directory named like an image
		{"photo!.png", true},
		{".env", false},
		{"Makefile", false},
		{"config.yml", false},
		{"", false},
	} {
		if got := IsBinaryName(tc.name); got != tc.want {
			t.Errorf("IsBinaryName(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}
