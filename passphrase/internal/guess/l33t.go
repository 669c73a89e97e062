package guess

import (
	"cmp"
	"slices"
	"strings"

	"github.com/trustelem/zxcvbn/match"
)

// l33tTable lists the symbols that stand for each letter, in zxcvbn's
// order, letters in alphabetical order (the order substitutions are
// enumerated in).
var l33tTable = [...]struct {
	letter  byte
	symbols string
}{
	{'a', "4@"}, {'b', "8"}, {'c', "({[<"}, {'e', "3"}, {'g', "69"},
	{'i', "1!|"}, {'l', "1|7"}, {'o', "0"}, {'s', "$5"}, {'t', "+7"},
	{'x', "%"}, {'z', "2"},
}

// subPair is one substitution: symbol is read as letter.
type subPair struct{ symbol, letter byte }

// l33tMatches finds words written with look-alike symbols (p@ssw0rd): for
// each way of reading the symbols of pw as letters, the dictionary matches
// of the translated password that do use a symbol.
func (d *dictionaries) l33tMatches(pw string, user userInputs) []*match.Match {
	var out []*match.Match
	low := newLowered(pw)
	for _, sub := range l33tSubs(pw) {
		if len(sub) == 0 {
			break // pw has no symbol of the table
		}
		// Read the pairs as a map, as trustelem does: when a symbol occurs
		// twice, the later pair wins.
		var table [128]byte
		for _, p := range sub {
			table[p.symbol] = p.letter
		}
		translated := []byte(pw)
		for k, c := range translated {
			if c < 128 && table[c] != 0 {
				translated[k] = table[c]
			}
		}
		for _, m := range d.dictionaryMatches(string(translated), user) {
			token := pw[m.I : m.J+1]
			if len(token) <= 1 {
				continue // one symbol alone ("4" for "a") says nothing
			}
			if low.key(m.I, m.J) == m.MatchedWord {
				continue // no symbol was read as a letter
			}
			m.Sub = map[string]string{}
			for c, letter := range table {
				if letter != 0 && strings.IndexByte(token, byte(c)) >= 0 {
					m.Sub[string(rune(c))] = string(rune(letter))
				}
			}
			m.L33t = true
			m.Token = token
			out = append(out, m)
		}
	}
	sortByPosition(out)
	return out
}

// l33tSubs lists the substitution tables to try on pw, in trustelem's order
// and with its quirks.
//
// For each letter in turn, each symbol of pw that stands for it extends
// every table so far: a table that does not use the symbol yet gets the
// pair appended; one that does is kept, along with a copy where the symbol
// now stands for this letter. Tables equal after sorting by symbol are kept
// once.
//
// trustelem appends to the tables with Go's append, so a table with spare
// capacity is extended in place: two extensions of one table share an array
// and the second overwrites the first, and sorting one table can reorder a
// table that shares its array. Those effects decide which tables exist, so
// appendShared reproduces the capacities append gave and tables are sorted
// in place. (append doubles the capacity; its rounding up to allocation
// size classes first shows above 24 elements, and a table has at most 23
// pairs, one per symbol of l33tTable.)
func l33tSubs(pw string) [][]subPair {
	subs := [][]subPair{{}}
	for _, row := range l33tTable {
		var next [][]subPair
		for k := 0; k < len(row.symbols); k++ {
			c := row.symbols[k]
			if strings.IndexByte(pw, c) < 0 {
				continue
			}
			for _, sub := range subs {
				at := slices.IndexFunc(sub, func(p subPair) bool { return p.symbol == c })
				if at < 0 {
					next = append(next, appendShared(sub, subPair{c, row.letter}))
					continue
				}
				alt := make([]subPair, 0, len(sub))
				alt = append(alt, sub[:at]...)
				alt = append(alt, sub[at+1:]...)
				alt = append(alt, subPair{c, row.letter})
				next = append(next, sub, alt)
			}
		}
		if next != nil {
			subs = dedupeSubs(next)
		}
	}
	return subs
}

// appendShared appends p to s as append does: in place when s has room,
// else into a new array of twice the capacity.
func appendShared(s []subPair, p subPair) []subPair {
	if len(s) < cap(s) {
		return append(s, p)
	}
	t := make([]subPair, len(s), max(2*cap(s), 1))
	copy(t, s)
	return append(t, p)
}

// dedupeSubs sorts each table in place by symbol and keeps the first of
// equal tables.
func dedupeSubs(subs [][]subPair) [][]subPair {
	var out [][]subPair
	seen := map[string]bool{}
	key := make([]byte, 0, 64)
	for _, s := range subs {
		slices.SortStableFunc(s, func(a, b subPair) int { return cmp.Compare(a.symbol, b.symbol) })
		key = key[:0]
		for _, p := range s {
			key = append(key, p.symbol, p.letter)
		}
		if !seen[string(key)] {
			seen[string(key)] = true
			out = append(out, s)
		}
	}
	return out
}
