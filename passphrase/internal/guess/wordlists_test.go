package guess

import (
	"flag"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/trustelem/zxcvbn/frequency"
)

var update = flag.Bool("update", false, "rewrite data/frequency_lists.txt from trustelem's frequency package")

// listOrder is the order of the lists in the data file: zxcvbn's own
// (frequency_lists.coffee), which is also the order dictionary matches at
// the same place are reported in.
var listOrder = []string{"passwords", "english_wikipedia", "female_names", "surnames", "us_tv_and_film", "male_names"}

// TestWordlists checks that the embedded lists are exactly trustelem's
// frequency.FrequencyLists; with -update it first regenerates them.
func TestWordlists(t *testing.T) {
	text := wordlistsText
	if *update {
		var b strings.Builder
		for _, name := range listOrder {
			if err := writeWordlist(&b, name, frequency.FrequencyLists[name]); err != nil {
				t.Fatal(err)
			}
		}
		text = b.String()
		if err := os.WriteFile("data/frequency_lists.txt", []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	names, lists := readWordlists(t, text)
	if !reflect.DeepEqual(names, listOrder) {
		t.Errorf("lists %q, want %q", names, listOrder)
	}
	if len(lists) != len(frequency.FrequencyLists) {
		t.Errorf("%d lists embedded, trustelem has %d", len(lists), len(frequency.FrequencyLists))
	}
	for k, name := range names {
		want, ok := frequency.FrequencyLists[name]
		if !ok {
			t.Errorf("list %s is not trustelem's", name)
			continue
		}
		if !reflect.DeepEqual(lists[k], want) {
			t.Errorf("list %s: its %d words differ from trustelem's %d", name, len(lists[k]), len(want))
		}
	}
	if *update {
		return
	}
	// The index finds every word with its list and rank.
	d, err := newDictionaries(text)
	if err != nil {
		t.Fatal(err)
	}
	for k, words := range lists {
		for i, w := range words {
			if list, rank, ok := d.lookup(w); !ok || list != names[k] || rank != i+1 {
				t.Fatalf("lookup(%q) = %s, %d, %v; want %s, %d", w, list, rank, ok, names[k], i+1)
			}
		}
	}
	for _, w := range []string{"", "Password", "notaword123", "password\n", "123456\npassword"} {
		if list, rank, ok := d.lookup(w); ok {
			t.Errorf("lookup(%q) = %s, %d", w, list, rank)
		}
	}
}

// readWordlists parses text back into lists.
func readWordlists(t *testing.T, text string) (names []string, lists [][]string) {
	names, err := parseWordlists(text, func(list, rank, start, end int) error {
		if list == len(lists) {
			lists = append(lists, nil)
		}
		if rank != len(lists[list])+1 {
			return fmt.Errorf("rank %d after %d words", rank, len(lists[list]))
		}
		lists[list] = append(lists[list], text[start:end])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names, lists
}

// writeWordlist writes one list in wordlistsText's format.
func writeWordlist(b *strings.Builder, name string, words []string) error {
	if name == "" || strings.Contains(name, "\n") {
		return fmt.Errorf("bad list name %q", name)
	}
	b.WriteString(name + "\n")
	for _, w := range words {
		if w == "" || strings.Contains(w, "\n") {
			return fmt.Errorf("%s: bad word %q", name, w)
		}
		b.WriteString(w + "\n")
	}
	b.WriteString("\n")
	return nil
}

func TestNewDictionaries(t *testing.T) {
	tests := []struct {
		name string
		text string
		err  string // "" for success
	}{
		{"empty", "", ""},
		{"one list", "a\nx\ny\n\n", ""},
		{"empty list", "a\n\nb\nx\n\n", ""},
		{"repeated word", "a\nx\ny\nx\n\n", ""},
		{"no final empty line", "a\nx\ny\n", "does not end"},
		{"no name", "\nx\n\n", "no name"},
		{"three newlines", "a\nx\n\n\n", "does not end"},
		{"upper case", "a\nX\n\n", "not lower-case"},
		{"in two lists", "a\nx\n\nb\nx\n\n", "two lists"},
		{"too long", "a\n" + strings.Repeat("x", 300) + "\n\n", "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newDictionaries(tt.text)
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("err = %v, want %q", err, tt.err)
			}
		})
	}
	d, err := newDictionaries("a\nx\ny\nx\n\nb\nzz\n\n")
	if err != nil {
		t.Fatal(err)
	}
	for w, want := range map[string]struct {
		list string
		rank int
	}{"x": {"a", 3}, "y": {"a", 2}, "zz": {"b", 1}} {
		if list, rank, ok := d.lookup(w); !ok || list != want.list || rank != want.rank {
			t.Errorf("lookup(%q) = %s, %d, %v; want %s, %d", w, list, rank, ok, want.list, want.rank)
		}
	}
	if d.maxLen != 2 {
		t.Errorf("maxLen %d, want 2", d.maxLen)
	}
}

// FuzzParseWordlists checks that parsing never panics and that what it
// accepts writes back to the same text; indexing must not panic either.
func FuzzParseWordlists(f *testing.F) {
	for _, s := range []string{"", "a\nx\ny\n\n", "a\n\nb\nx\n\n", "\n\n", "a\nx\n\n\n", "a\nX\n\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var lists [][]string
		names, err := parseWordlists(text, func(list, rank, start, end int) error {
			for len(lists) <= list {
				lists = append(lists, nil)
			}
			lists[list] = append(lists[list], text[start:end])
			return nil
		})
		newDictionaries(text)
		if err != nil {
			return
		}
		var b strings.Builder
		for k, name := range names {
			var words []string
			if k < len(lists) {
				words = lists[k]
			}
			if err := writeWordlist(&b, name, words); err != nil {
				t.Fatalf("parsed %q into %q %q: %v", text, names, lists, err)
			}
		}
		if b.String() != text {
			t.Fatalf("parsed %q into %q %q, which writes back as %q", text, names, lists, b.String())
		}
	})
}
