package guess

import "github.com/trustelem/zxcvbn/match"

// maxSequenceStep is the largest step between the bytes of a sequence
// (ace and 9630 are sequences, adgj is not).
const maxSequenceStep = 5

// sequenceMatches finds runs of bytes that go up or down by a constant
// step (abcd, 9753, ZYX). Runs are cut where the step changes, and
// neighbouring runs share the byte at the cut. A run of two bytes counts
// only with a step of one.
func sequenceMatches(pw string) []*match.Match {
	var out []*match.Match
	if len(pw) == 1 {
		return out
	}
	emit := func(i, j, step int) {
		size := max(step, -step)
		if (j-i > 1 || size == 1) && size > 0 && size <= maxSequenceStep {
			name, space := sequenceKind(pw[i : j+1])
			out = append(out, &match.Match{
				Pattern:       "sequence",
				I:             i,
				J:             j,
				Token:         pw[i : j+1],
				SequenceName:  name,
				SequenceSpace: space,
				Ascending:     step > 0,
			})
		}
	}
	i, last := 0, 0
	for k := 1; k < len(pw); k++ {
		step := int(pw[k]) - int(pw[k-1])
		if k == 1 {
			last = step
		}
		if step == last {
			continue
		}
		emit(i, k-1, last)
		i, last = k-1, step
	}
	emit(i, len(pw)-1, last)
	return out
}

// sequenceKind names the alphabet of a sequence and its size; anything but
// lower-case letters, upper-case letters or digits counts as "unicode" with
// the size of the roman alphabet.
func sequenceKind(s string) (name string, space int) {
	switch {
	case allBytes(s, 'a', 'z'):
		return "lower", 26
	case allBytes(s, 'A', 'Z'):
		return "upper", 26
	case allBytes(s, '0', '9'):
		return "digits", 10
	}
	return "unicode", 26
}

func allBytes(s string, lo, hi byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < lo || s[i] > hi {
			return false
		}
	}
	return s != ""
}
