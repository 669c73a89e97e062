package guess

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
	"github.com/trustelem/zxcvbn/match"
	"github.com/trustelem/zxcvbn/matching"
)

// The tests in this file compare the package with trustelem's zxcvbn, which
// only tests may import (it builds its dictionaries at program start).

// parityCase is a password and the user inputs to estimate it with.
type parityCase struct {
	pw     string
	inputs []string
}

func parityCases() []parityCase {
	var cases []parityCase
	add := func(inputs []string, pws ...string) {
		for _, pw := range pws {
			cases = append(cases, parityCase{pw, inputs})
		}
	}
	// common passwords, capitals
	add(nil, "", "123456", "password", "12345678", "qwerty", "abc123", "monkey", "letmein",
		"dragon", "111111", "baseball", "iloveyou", "trustno1", "sunshine", "master", "welcome",
		"football", "password1", "zxcvbnm", "1qaz2wsx", "qazwsx", "thx1138", "viking", "rosebud",
		"Password", "PASSWORD", "passworD", "PassWord", "pAsSwOrD", "Dragon2020", "MonkeyBusiness",
		"Rosebud", "ROSEBUD", "rosebuD", "ScoRpi0ns", "temppass22")
	// look-alike symbols
	add(nil, "p@ssw0rd", "P@$$w0rd", "l3tm31n", "tr0ub4dor&3", "Tr0ub4dour&3", "h4x0r", "1337",
		"5unsh1ne", "a4@e3i1!|lo0s$5", "c0mput3r", "{ookie", "<h@rlie", "%ylophone", "2ebra",
		"7ennis", "|ove", "!ce", "b4s3b4ll", "m0nk3y!!", "$up3rm@n", "ros3bud99", "r0s3bud99",
		"R08uD99", "p@13296word", "4@4@", "(({[<", "1|!1|!7", "$5$5+7%2", "8ea(h6oa|")
	// reversed words
	add(nil, "drowssap", "nogard", "yeknom", "DROWSSAP", "enihsnus", "321drowssap", "level",
		"racecar", "dlrowolleh")
	// keyboard walks: qwerty, dvorak, keypads
	add(nil, "qwertyuiop", "asdfghjkl", "zxcvbnm,./", "qwER43@!", "1qaz2wsx3edc", "1qaz2wsx3edc\"",
		"poiuytrewq", "qazxswedcvfr", "aoeuidhtns", "',.pyfgcrl", "AOEUIDHG&*()LS_", "7894561230",
		"147258369", "/*-+", "0147", "=/*-", "159753", "!@#$%^&*()", "~!@#$%^&*()_+",
		"hjkl;'nm,./", "asdfghju7654rewq", "QWERTY", "qWeRtY", "!\"£$%^&*()", "zaq!xsw@")
	// repeats
	add(nil, "aaaaaaa", "abcabcabc", "aabaab", "aabaabaabaab", "123123123", "passwordpassword",
		"P@ssw0rdP@ssw0rd", "drowssapdrowssap", "zzzzzzzzzzzzzzzzzzzzz", "abababab", "xyzxyzxy",
		"hahahaha", "lolololol", "!!!!!!", "ééééé", "€€€€", "日本日本", "a\na\na", "ab\nab\nab",
		"aa\naa", "éaéa", "xxéxxé", "a€a€a€", "\n\n\n\n")
	// sequences
	add(nil, "abcdefghijk", "abcdefghijk987654321", "13579", "acegikm", "ZYXWVU", "9876543210",
		"defghi6789", "abcdef0123456789", "a b c 1 2 3", "aceg", "zyx", "ba", "ab", "a", "ÀÁÂÃ",
		"a b c d e f g h i j k l m n o p q r s t u v w x y z 0 1 2 3 4 5 6 7 8 9")
	// years and dates
	add(nil, "1999", "2000", "2019", "2020", "1899", "summer2015", "jan1987", "love1990love",
		"200020012002", "19191919", "13/3/1997", "neverforget13/3/1997", "1.1.91", "01-01-1991",
		"1991-12-31", "12311991", "311291", "111504", "2015_06_04", "1 1 91", "9.23.2007",
		`31\12\1999`, "4/20/69", "1991.01.01", "7-4-1776", "19911231", "0101", "1231", "12.12.12",
		"2049-01-01", "3000-01-01", "00/00/00", "date: 1/1/2001 end", "1234\n", "1/1/91\n",
		"12\n12\n1991", "1\n2\n33", "1 1\t91", "zhang198822", "li4478", "love88", "angel08")
	// names and words
	add(nil, "jennifer", "michael", "smith", "briansmith", "briansmith4mayor", "Johnson", "maria",
		"robert99", "verlineVANDERMARK", "ryanhunter2000", "rianhunter2000", "woaini", "wang",
		"tianya", "a6a4Aa8a", "b6b4Bb8b", "z6z4Zz8z", "aiIiAaIA", "zxXxZzXZ")
	// sentences
	add(nil, "correct horse battery staple", "correcthorsebatterystaple",
		"coRrecth0rseba++ery9.23.2007staple$", "alpha bravo charlie delta",
		"the quick brown fox jumps over the lazy dog", "mauve kettle orbits the quiet fjord",
		"WhyfaultthebardifhesingstheArgives’harshfate?", "Athena lavished a marvelous splendor",
		"do you know", "I love my dog Rex!", "To be or not to be, that is the question.",
		"correct-horse-battery-staple", "correct.horse.battery.staple",
		"correct,horse,battery,staple", "correct~horse~battery~staple", "D0g..................",
		"Tr0ub4dor&3 is not enough", "eheuczkqyq", "rWibMFACxAUGZmxhVncy",
		"Ba9ZyWABu99[BK#6MBgbH88Tofv)vs")
	// non-ASCII: letters, scripts, digits and spaces other than ASCII ones
	add(nil, "pässwörd", "Fußball ist schön", "日本語のパスワード", "пароль123", "contraseña",
		"😀😀😀", "naïve café", "İstanbul", "passwor\u212a", "\u0130loveyou", "ǅungla",
		"١٢٣٤", "١/١/١٩٩١", "12١1991", "١12١1991", "1\u00a01\u00a091", "1\u30001\u300091",
		"Ωmega2000", "ΣΊΣΥΦΟΣ", "\ufffd\ufffd", "é1991é", "p\u00e4ssword")
	// not UTF-8: zxcvbn does not rate these
	add(nil, "\xffpassword", "pass\xc3", "\xc3\xa9\xe9")
	// long
	add(nil, strings.Repeat("x9!Q", 25), strings.Repeat("a", 100), strings.Repeat("ab", 50),
		strings.Repeat("correct horse ", 7), strings.Repeat("é", 60))
	// with user inputs
	add([]string{"alice", "twilio"}, "alicetwilioalice", "Alice-Twilio-2024!", "ecila", "@l1ce")
	add([]string{"john", "smith", "example", "com"}, "john.smith@example.com", "JohnSmith1990")
	add([]string{"Acme"}, "Acme2024", "acmeacme", "emca")
	add([]string{"ALICE", "alice"}, "aliceALICE")
	add([]string{"unicodé", "é"}, "unicodé", "éé")
	add([]string{"x\ufffd"}, "xé", "éx")
	add([]string{"a"}, "")
	add([]string{""}, "abc")
	add([]string{"my", "secret", "service"}, "mysecretservice")
	add([]string{"verylongcontextwordthatnolistholds"}, "verylongcontextwordthatnolistholds!")
	return cases
}

func TestParity(t *testing.T) {
	var e Estimator
	for _, c := range parityCases() {
		t.Run(fmt.Sprintf("%q", c.pw), func(t *testing.T) {
			if diff := parity(&e, c.pw, c.inputs); diff != "" {
				t.Error(diff)
			}
		})
	}
}

// TestParityRandom compares passwords pieced together at random from
// fragments the matchers care about: look-alike symbols, keyboard rows,
// years, date separators, non-ASCII digits and spaces, repeats. They are
// longer than the fuzz test's.
func TestParityRandom(t *testing.T) {
	pieces := []string{"password", "p@ss", "w0rd", "4", "@", "8", "(", "{", "[", "<", "3", "6", "9",
		"1", "!", "|", "7", "0", "$", "5", "+", "%", "2", "qwerty", "asdf", "zxcv", "123", "789", "/",
		"-", ".", "_", " ", "\n", "\\", "19", "20", "01", "12", "31", "1991", "2007", "é", "€", "日本",
		"١", "٢", "\u00a0", "\u3000", "\u212a", "\u0130", "aaa", "abab", "xyz", "cba", "alice", "smith",
		"love", "AB", "Ab", "ZZ"}
	rng := rand.New(rand.NewPCG(1, 2))
	var e Estimator
	for range 500 {
		var b strings.Builder
		for range 1 + rng.IntN(14) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		var inputs []string
		if rng.IntN(3) == 0 {
			for range 1 + rng.IntN(3) {
				inputs = append(inputs, pieces[rng.IntN(len(pieces))]+pieces[rng.IntN(len(pieces))])
			}
		}
		if diff := parity(&e, b.String(), inputs); diff != "" {
			t.Fatalf("%q with %q: %s", b.String(), inputs, diff)
		}
	}
}

func TestParityCaseCount(t *testing.T) {
	if n := len(parityCases()); n < 200 {
		t.Errorf("%d parity cases, want 200 or more", n)
	}
}

// parity compares e's estimate with zxcvbn.PasswordStrength's, and the
// matches both find, and describes the first difference.
//
// trustelem ranges over a map of dictionaries, so when a user input is also
// in a word list the order of the two matches, and thus in rare cases its
// result, depends on the run; parity then accepts any result trustelem
// gives in some of a few dozen runs.
func parity(e *Estimator, pw string, inputs []string) string {
	got := e.Estimate(pw, inputs)
	diff := ""
	for try := 0; try < 40; try++ {
		want := zxcvbn.PasswordStrength(pw, inputs)
		diff = diffResults(got, Result{Guesses: want.Guesses, Score: want.Score, Sequence: want.Sequence})
		if diff == "" || len(inputs) == 0 {
			break
		}
	}
	if diff != "" {
		return diff
	}
	if !utf8.ValidString(pw) {
		return ""
	}
	return diffMatches(e.load().omnimatch(pw, newUserInputs(inputs)), matching.Omnimatch(pw, inputs), len(inputs) > 0)
}

func diffResults(got, want Result) string {
	if !sameFloat(got.Guesses, want.Guesses) || got.Score != want.Score {
		return fmt.Sprintf("guesses %v score %d, zxcvbn %v score %d\n%s\nzxcvbn:\n%s",
			got.Guesses, got.Score, want.Guesses, want.Score, describeAll(got.Sequence), describeAll(want.Sequence))
	}
	if g, w := describeAll(got.Sequence), describeAll(want.Sequence); g != w {
		return fmt.Sprintf("sequence:\n%s\nzxcvbn:\n%s", g, w)
	}
	return ""
}

// diffMatches compares all matches found, in order, or as sets when user
// inputs make trustelem's order at a position vary.
func diffMatches(got, want []*match.Match, unordered bool) string {
	g, w := describeEach(got), describeEach(want)
	if unordered {
		slices.Sort(g)
		slices.Sort(w)
	}
	if !slices.Equal(g, w) {
		return fmt.Sprintf("matches:\n%s\nmatching.Omnimatch:\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
	}
	return ""
}

func sameFloat(a, b float64) bool {
	return a == b || (math.IsNaN(a) && math.IsNaN(b))
}

func describeAll(ms []*match.Match) string {
	return strings.Join(describeEach(ms), "\n")
}

func describeEach(ms []*match.Match) []string {
	out := make([]string, len(ms))
	for k, m := range ms {
		out[k] = describe(m)
	}
	return out
}

// describe writes every field of m, and of its base matches.
func describe(m *match.Match) string {
	base := "[" + strings.Join(describeEach(m.BaseMatches), "; ") + "]"
	return fmt.Sprintf("%s %d-%d %q reversed=%v upper=%v l33tvar=%v word=%q rank=%d dict=%s l33t=%v sub=%v "+
		"graph=%s seq=%s space=%d asc=%v turns=%d shifted=%d base=%q baseGuesses=%v repeat=%d "+
		"regex=%s ymd=%d-%d-%d sep=%q entropy=%v guesses=%v baseMatches=%s",
		m.Pattern, m.I, m.J, m.Token, m.Reversed, m.UppercaseVariations, m.L33tVariations, m.MatchedWord,
		m.Rank, m.DictionaryName, m.L33t, m.Sub, m.Graph, m.SequenceName, m.SequenceSpace, m.Ascending,
		m.Turns, m.ShiftedCount, m.BaseToken, m.BaseGuesses, m.RepeatCount, m.RegexName, m.Year, m.Month,
		m.Day, m.Separator, m.Entropy, m.Guesses, base)
}
