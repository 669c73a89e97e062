package config

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, text, err string
	}{
		{"empty", "", ""},
		{"full", "disable = [\"x\"]\n[scan]\nexclude = [\"vendor/**\"]\nmax_file_size = \"10MB\"\nconfidence = \"high\"\n[allow]\npaths = [\"a/**\"]\nvalues = [\"^x$\"]\n", ""},
		{"unknown key", "[scan]\nexclud = [\"x\"]\n", `unknown key "scan.exclud"`},
		{"bad toml", "[scan\n", "to end table name"},
		{"bad size", "[scan]\nmax_file_size = \"lots\"\n", "bad size"},
		{"bad confidence", "[scan]\nconfidence = \"extreme\"\n", "unknown confidence"},
		{"bad glob", "[allow]\npaths = [\"[\"]\n", "bad path glob"},
		{"bad value regex", "[allow]\nvalues = [\"(\"]\n", "bad value regex"},
		{"bad rule regex", "[[rules]]\nid = \"r\"\ndescription = \"d\"\nkeywords = [\"ab\"]\nregex = '''(x'''\n", "line 5"},
		{"rule without keywords", "[[rules]]\nid = \"r\"\ndescription = \"d\"\nregex = '''x'''\n", "no keywords"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse(".vigil.toml", []byte(tc.text))
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("error %v, want %q", err, tc.err)
			case tc.err == "" && c == nil:
				t.Fatal("nil config")
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"100": 100, "512KB": 512 << 10, "100MB": 100 << 20, "2GB": 2 << 30, "1.5M": 3 << 19, "0": 0} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "MB", "-1", "ten"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("[scan]\nexclude = [\"x\"]\n[[rules]]\nid = \"a\"\n")
	f.Fuzz(func(t *testing.T, text string) {
		Parse("fuzz.toml", []byte(text))
	})
}
