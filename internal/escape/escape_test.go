package escape

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestName(t *testing.T) {
	for _, tc := range []struct{ in, special, want string }{
		{"app/.env", "", "app/.env"},
		{"dir with space/config.yml", "", "dir with space/config.yml"},
		{"café/ünïcode.txt", "", "café/ünïcode.txt"},
		{"x\x1b[2K\rvigil: 0 findings", "", `"x\u001b[2K\rvigil: 0 findings"`},
		{"a\nb", "", `"a\nb"`},
		{"evil\u202egnp.exe", "", `"evil\u202egnp.exe"`},
		{"zero\u200bwidth", "", `"zero\u200bwidth"`},
		{"c1\u009bcsi", "", `"c1\u009bcsi"`},
		{"bad\xffutf8", "", `"bad\xffutf8"`},
		{`quote"back\slash`, "", `"quote\"back\\slash"`},
		{"file!x.txt", "!", `"file!x.txt"`},
		{"file!x.txt", "", "file!x.txt"},
		{"emoji😀ok", "", "emoji😀ok"},
	} {
		if got := Name(tc.in, tc.special); got != tc.want {
			t.Errorf("Name(%q, %q) = %s, want %s", tc.in, tc.special, got, tc.want)
		}
	}
}

func TestLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Add the Twilio client", "Add the Twilio client"},
		{`say "hi" \o/`, `say "hi" \o/`},
		{"two\nlines", `two\nlines`},
		{"\x1b[31mred\x1b[0m", `\u001b[31mred\u001b[0m`},
		{"tab\there", `tab\there`},
		{"rtl\u2067x\u2069", `rtl\u2067x\u2069`},
		{"del\x7f", `del\u007f`},
		{"\xc3", `\xc3`},
	} {
		if got := Line(tc.in); got != tc.want {
			t.Errorf("Line(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// safe reports whether s holds only printable characters.
func safe(s string) bool {
	return utf8.ValidString(s) && !needsEscape(s)
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"a", "x\x1b[2Kb", "é\u202e", "\xff", `"\`, "a!b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		line := Line(s)
		if !safe(line) {
			t.Fatalf("Line(%q) = %q is not printable", s, line)
		}
		name := Name(s, "!")
		if !safe(name) {
			t.Fatalf("Name(%q) = %q is not printable", s, name)
		}
		if name == s {
			if strings.ContainsAny(s, "!\"\\") {
				t.Fatalf("Name(%q) left a special character unquoted", s)
			}
			return
		}
		back, err := strconv.Unquote(name)
		if err != nil || back != s {
			t.Fatalf("Name(%q) = %s does not read back (%q, %v)", s, name, back, err)
		}
	})
}
