package vigil

import (
	"testing"
	"unicode/utf8"
)

func TestCharCount(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"", 0},
		{"password=", 9},
		{"mot de passe «é»: ", 18},
		{"日本語 ", 4},
		{"🔑=", 2},
	} {
		if got := CharCount([]byte(tc.in)); got != tc.want || got != utf8.RuneCountInString(tc.in) {
			t.Errorf("CharCount(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
	// Split anywhere, even inside a character, the parts add up.
	s := []byte("a€b🔑c")
	for i := range len(s) + 1 {
		if got := CharCount(s[:i]) + CharCount(s[i:]); got != 5 {
			t.Errorf("split at %d: %d characters, want 5", i, got)
		}
	}
}
