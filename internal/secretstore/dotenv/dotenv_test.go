package dotenv

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
)

func TestPutKeepsLayout(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		put      map[string]string
		want     string
	}{
		{"bare", "# Twilio\nA=1\nexport TWILIO_API_KEY=old # rotated by hand\n\nB='x'\n",
			map[string]string{"TWILIO_API_KEY": "new"},
			"# Twilio\nA=1\nexport TWILIO_API_KEY=new # rotated by hand\n\nB='x'\n"},
		{"single quoted", "K='old'\n", map[string]string{"K": "new"}, "K='new'\n"},
		{"double quoted", `K = "old" # c` + "\n", map[string]string{"K": `n"ew`}, `K = "n\"ew" # c` + "\n"},
		{"bare needs quotes", "K=old\n", map[string]string{"K": "has space"}, "K=\"has space\"\n"},
		{"append", "A=1", map[string]string{"Z": "2", "Y": "3"}, "A=1\nY=3\nZ=2\n"},
		{"duplicates", "K=1\nK=2\n", map[string]string{"K": "3"}, "K=3\nK=3\n"},
		{"multiline kept", "M=\"a\nb\"\nK=1\n", map[string]string{"K": "2"}, "M=\"a\\nb\"\nK=2\n"},
		{"crlf", "A=1\r\nK=old\r\n", map[string]string{"K": "new"}, "A=1\r\nK=new\r\n"},
		{"empty", "", map[string]string{"K": "v"}, "K=v\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), ".env")
			if err := os.WriteFile(p, []byte(tt.in), 0o640); err != nil {
				t.Fatal(err)
			}
			vals := map[string]vigil.Secret{}
			for k, v := range tt.put {
				vals[k] = vigil.NewSecret(v)
			}
			if err := New(p).Put(context.Background(), vals); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(p)
			if string(got) != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
			if st, _ := os.Stat(p); st.Mode().Perm() != 0o640 {
				t.Errorf("mode %v, want 0640", st.Mode().Perm())
			}
			for k, v := range tt.put {
				if s, err := New(p).Get(context.Background(), k); err != nil || s.Reveal() != v {
					t.Errorf("Get %s = %q, %v; want %q", k, s.Reveal(), err, v)
				}
			}
		})
	}
}

func TestRoundTripNewFileAndSymlink(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	real := filepath.Join(dir, "real.env")
	link := filepath.Join(dir, ".env")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	s := New(link)
	if _, err := s.Get(ctx, "K"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Get on a missing file: %v, want fs.ErrNotExist", err)
	}
	if err := s.Put(ctx, map[string]vigil.Secret{"K": vigil.NewSecret("v1"), "S": vigil.NewSecret("a b#c'\"\\$")}); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("the symlink was replaced: %v", err)
	}
	if st, _ := os.Stat(real); st.Mode().Perm() != 0o600 {
		t.Errorf("new file mode %v, want 0600", st.Mode().Perm())
	}
	if v, err := s.Get(ctx, "S"); err != nil || v.Reveal() != "a b#c'\"\\$" {
		t.Errorf("Get S = %q, %v", v.Reveal(), err)
	}
	if _, err := s.Get(ctx, "MISSING"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing field: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestBadFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.env")
	_ = os.WriteFile(bad, []byte("A=1\nK=\"never closed\nB=2\n"), 0o600)
	if _, err := New(bad).Get(ctx, "A"); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("unterminated quote: %v", err)
	}
	if err := New(bad).Put(ctx, map[string]vigil.Secret{"A": vigil.NewSecret("x")}); err == nil {
		t.Error("Put on a file it cannot parse must fail, not rewrite it")
	}
	if err := New(dir).Put(ctx, map[string]vigil.Secret{"A": vigil.NewSecret("x")}); err == nil {
		t.Error("Put on a directory must fail")
	}
	if err := New(filepath.Join(dir, "no", "such", "dir", ".env")).Put(ctx, map[string]vigil.Secret{"A": vigil.NewSecret("x")}); err == nil {
		t.Error("Put in a missing directory must fail")
	}
}

// FuzzParse checks that parsing never panics and that rewriting a value
// and reading it back gives the value written.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"A=1\n", "export K = 'v' # c\n", "K=\"a\\\"b\nc\"\n", "#x\n\nK=v", "K=\"open\n", "=\n", "K==v"} {
		f.Add(s, "new value")
	}
	f.Fuzz(func(t *testing.T, data, value string) {
		lines, nl, err := parse(data)
		if err != nil {
			return
		}
		lines = append(lines, line{entry: &entry{key: "FUZZ_KEY", prefix: "FUZZ_KEY=", value: value}})
		out := render(lines, nl)
		again, _, err := parse(out)
		if err != nil {
			t.Fatalf("rendered file does not parse: %v\n%q", err, out)
		}
		last := again[len(again)-1]
		if last.entry == nil || last.entry.key != "FUZZ_KEY" || last.entry.value != value {
			t.Fatalf("value %q did not round-trip: %+v in %q", value, last.entry, out)
		}
	})
}
