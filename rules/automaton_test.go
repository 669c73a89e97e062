package rules

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
)

func naiveFind(data []byte, kws []string) []string {
	var out []string
	fold := func(b []byte) []byte {
		out := make([]byte, len(b))
		for i, c := range b {
			out[i] = foldByte(c)
		}
		return out
	}
	low := fold(data)
	for k, kw := range kws {
		kl := fold([]byte(kw))
		for i := 0; i+len(kl) <= len(low); i++ {
			if bytes.Equal(low[i:i+len(kl)], kl) {
				out = append(out, fmt.Sprintf("%d@%d", k, i))
			}
		}
	}
	sort.Strings(out)
	return out
}

func automatonFind(a *automaton, data []byte) []string {
	var out []string
	for _, h := range a.scan(data, nil) {
		out = append(out, fmt.Sprintf("%d@%d", h.kw, h.end-a.lengths[h.kw]))
	}
	sort.Strings(out)
	return out
}

func TestAutomaton(t *testing.T) {
	kws := []string{"he", "she", "his", "hers", "Token", "tok", "aws_", "SG.", "password"}
	a := newAutomaton(kws)
	for _, in := range []string{
		"", "ushers", "TOKEN tok token", "x AWS_secret sg.abc SG.", "passwordpassword",
		"hhhhhheeeeshehisherssss", "\xff\x00tokeN",
		strings.Repeat("x token hers password SG. sg. ", 400),
	} {
		got, want := automatonFind(a, []byte(in)), naiveFind([]byte(in), kws)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%q: got %v want %v", in, got, want)
		}
	}
}

func FuzzAutomaton(f *testing.F) {
	f.Add("aws_secret token", "token")
	f.Add("ushers", "he")
	f.Add(strings.Repeat("ab token ", 600), "en t")
	f.Fuzz(func(t *testing.T, data, kw string) {
		if kw == "" || len(kw) > 20 {
			return
		}
		kws := []string{kw, "key", "sec"}
		a := newAutomaton(kws)
		got, want := automatonFind(a, []byte(data)), naiveFind([]byte(data), kws)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%q in %q: got %v want %v", kw, data, got, want)
		}
	})
}

// TestAutomatonLanes checks inputs long enough to be scanned in lanes,
// with keywords across every lane boundary: every occurrence is found once,
// in order of its end.
func TestAutomatonLanes(t *testing.T) {
	kws := []string{"token", "password", "sg.", "a_long_keyword_of_forty_two_bytes_exactly_", "ey"}
	a := newAutomaton(kws)
	r := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"token", "passWORD", "SG.", "a_long_keyword_of_forty_two_bytes_exactly_", "key", " ", "x", "\n", "tok", "passw"}
	for _, n := range []int{511, 512, 600, 1000, 4095, 4096, 10000} {
		for range 50 {
			var b strings.Builder
			for b.Len() < n {
				b.WriteString(pieces[r.IntN(len(pieces))])
			}
			data := []byte(b.String()[:n])
			hits := a.scan(data, nil)
			for i := 1; i < len(hits); i++ {
				if hits[i].end < hits[i-1].end {
					t.Fatalf("%d bytes: hits out of order at %d: %v", n, i, hits[i-1:i+1])
				}
			}
			if got, want := automatonFind(a, data), naiveFind(data, kws); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%d bytes: got %d hits, want %d", n, len(got), len(want))
			}
		}
	}
}
