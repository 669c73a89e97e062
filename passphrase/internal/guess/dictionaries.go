package guess

import (
	"fmt"
	"strings"
)

// dictionaries are zxcvbn's ranked word lists, in one index: the lists
// share no word (zxcvbn's build script keeps each word only in the list it
// ranks best in), so one lookup answers for all of them.
type dictionaries struct {
	names  []string // list names, in the order of the data file
	index  wordIndex
	maxLen int // the longest word, in bytes
}

// newDictionaries indexes the lists of text, in wordlistsText's format. As
// in zxcvbn, a word listed twice keeps its last rank. The words must be
// lower-case already: the index points into text rather than holding
// lower-cased copies.
func newDictionaries(text string) (*dictionaries, error) {
	d := &dictionaries{index: newWordIndex(text, strings.Count(text, "\n"))}
	names, err := parseWordlists(text, func(list, rank, start, end int) error {
		w := text[start:end]
		switch {
		case end-start > maxIndexedLen:
			return fmt.Errorf("word %q is too long", w)
		case strings.ToLower(w) != w:
			return fmt.Errorf("word %q is not lower-case", w)
		}
		d.maxLen = max(d.maxLen, len(w))
		return d.index.add(start, end, list, rank)
	})
	if err != nil {
		return nil, err
	}
	d.names = names
	return d, nil
}

// lookup finds a lower-case word: the name of its list and its rank.
func (d *dictionaries) lookup(w string) (list string, rank int, ok bool) {
	l, r, ok := d.index.find(w)
	if !ok {
		return "", 0, false
	}
	return d.names[l], r, true
}

// userInputs is the extra dictionary zxcvbn builds from words the caller
// knows the user is likely to use (name, e-mail, the service's name).
type userInputs struct {
	rank   map[string]int
	maxLen int
}

// userInputsName is the dictionary name of matches on user inputs.
const userInputsName = "user_inputs"

// newUserInputs ranks inputs like a word list: lower-cased, rank by
// position, the last of two equal words winning.
func newUserInputs(inputs []string) userInputs {
	u := userInputs{rank: make(map[string]int, len(inputs))}
	for i, w := range inputs {
		w = strings.ToLower(w)
		u.rank[w] = i + 1
		u.maxLen = max(u.maxLen, len(w))
	}
	return u
}
