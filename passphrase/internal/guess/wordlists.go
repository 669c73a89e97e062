package guess

import (
	_ "embed" // for the word lists
	"errors"
	"fmt"
	"strings"
)

// wordlistsText holds zxcvbn's ranked word lists (see data/NOTICE): a
// series of blocks, each a list's name on one line, its words one a line in
// rank order (most common first), and an empty line. The words are
// lower-case.
//
// It is embedded as plain text on purpose: the words are used where they
// lie, in the program's read-only data, so loading the lists decompresses
// and copies nothing.
//
//go:embed data/frequency_lists.txt
var wordlistsText string

// parseWordlists reads text in wordlistsText's format. It returns the
// lists' names and calls add for each word with its list's index, its rank
// (from 1) and its place in text, text[start:end].
func parseWordlists(text string, add func(list, rank, start, end int) error) (names []string, err error) {
	pos := 0
	for pos < len(text) {
		end := strings.Index(text[pos:], "\n\n")
		if end < 0 {
			return nil, errors.New("word lists: the last list does not end with an empty line")
		}
		end += pos
		eol := strings.IndexByte(text[pos:end+1], '\n') + pos
		if eol == pos {
			return nil, errors.New("word lists: a list has no name")
		}
		names = append(names, text[pos:eol])
		rank := 0
		for start := eol + 1; start <= end; {
			stop := start + strings.IndexByte(text[start:end+1], '\n')
			rank++
			if err := add(len(names)-1, rank, start, stop); err != nil {
				return nil, fmt.Errorf("word lists: %s: %w", names[len(names)-1], err)
			}
			start = stop + 1
		}
		pos = end + 2
	}
	return names, nil
}
