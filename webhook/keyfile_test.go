package webhook

import (
	"errors"
	"strings"
	"testing"
)

func TestParseKeyring(t *testing.T) {
	a, b, c := newToken(t), newToken(t), newToken(t)
	sid := newSid(t)
	k, err := ParseKeyring(strings.NewReader("# current first\n" + a + "\r\n\n   " + b + "  \n\t# sub\n" + sid + " = " + c + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := k.Tokens(""); len(got) != 2 || got[0].Reveal() != a || got[1].Reveal() != b {
		t.Errorf("account tokens = %v", got)
	}
	if got := k.Tokens(sid); len(got) != 1 || got[0].Reveal() != c {
		t.Errorf("subaccount tokens = %v", got)
	}
	if got := k.Tokens(newSid(t)); len(got) != 2 {
		t.Errorf("unknown account should get the account tokens, got %v", got)
	}
	if k.Len() != 3 || k.Accounts() != 1 {
		t.Errorf("Len %d Accounts %d, want 3 1", k.Len(), k.Accounts())
	}
}

func TestParseKeyringErrors(t *testing.T) {
	tok := newToken(t)
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ErrEmptyKeyring.Error()},
		{"comments only", "# nothing\n\n  # here\n", ErrEmptyKeyring.Error()},
		{"bad sid", "# x\nAB" + strings.Repeat("0", 32) + "=" + tok, "line 2: before '=' expected an Account SID"},
		{"short sid", "ACabc=" + tok, "line 1: before '='"},
		{"empty sub token", "AC" + strings.Repeat("0", 32) + "=", "line 1: empty token"},
		{"space in token", tok + " " + tok, "line 1: token holds a space"},
		{"two equals", "AC" + strings.Repeat("0", 32) + "=a=b", "line 1: token holds"},
		{"non-ASCII", "tökén", "line 1: token holds"},
		{"line too long", strings.Repeat("x", 70000), "after line 0: bufio.Scanner: token too long"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseKeyring(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), tok) {
				t.Errorf("error shows the token: %v", err)
			}
			if tc.want == ErrEmptyKeyring.Error() && !errors.Is(err, ErrEmptyKeyring) {
				t.Errorf("error is not ErrEmptyKeyring")
			}
		})
	}
}

func TestKeyringMerge(t *testing.T) {
	a, b, c := newToken(t), newToken(t), newToken(t)
	sid := newSid(t)
	k := NewKeyring(a).Merge(NewKeyring(b).WithAccount(sid, c))
	if got := k.Tokens(""); len(got) != 2 || got[0].Reveal() != a || got[1].Reveal() != b {
		t.Errorf("merged tokens = %v", got)
	}
	if got := k.Tokens(sid); len(got) != 1 || got[0].Reveal() != c {
		t.Errorf("merged subaccount tokens = %v", got)
	}
	if s := NewKeyring(a).Tokens("")[0]; strings.Contains(s.String(), a) {
		t.Errorf("token prints in clear: %v", s)
	}
}

// FuzzParseKeyring checks the token file parser never panics, never
// returns an empty keyring without an error, and never puts a line's
// content in its error.
func FuzzParseKeyring(f *testing.F) {
	for _, s := range []string{
		"", "#\n", "abc\n", "AC" + strings.Repeat("a", 32) + "=tok\n", "a=b", "\r\n\r\n x \r\n", "AC=", "=\n==",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		k, err := ParseKeyring(strings.NewReader(in))
		if err != nil {
			for _, line := range strings.Split(in, "\n") {
				if l := strings.TrimSpace(line); len(l) > 8 && strings.Contains(err.Error(), l) {
					t.Fatalf("error %q quotes the input line %q", err, l)
				}
			}
			return
		}
		if k.Len() == 0 {
			t.Fatalf("no error but an empty keyring for %q", in)
		}
	})
}
