package passphrase

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func codes(r Result) string {
	var c []string
	for _, p := range r.Problems {
		c = append(c, p.Code)
	}
	return strings.Join(c, ",")
}

func TestCheckPolicy(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		policy  Policy
		pw      string
		verdict Verdict
		codes   string
	}{
		{"strong words", Policy{}, "mauve kettle orbits the quiet fjord", Acceptable, ""},
		{"strong random", Policy{}, "j8#kL2!vQz9@wR4m", Acceptable, ""},
		{"unicode counts characters", Policy{}, "ça déménage vite ô", Acceptable, ""},
		{"too short", Policy{}, "Xk9#vQ2!pL", Rejected, "too_short"},
		{"min length configurable", Policy{MinLength: 8}, "Xk9#vQ2!pL", Acceptable, ""},
		{"long but repetitive", Policy{}, "aaaaaaaaaaaaaaaaaaaa", Rejected, "too_guessable"},
		{"keyboard walk", Policy{}, "qwertyuiopasdfgh", Rejected, "too_guessable"},
		{"common password padded", Policy{}, "Password12345678", Rejected, "too_guessable"},
		{"short and common", Policy{}, "password", Rejected, "too_short,too_guessable"},
		{"min guesses configurable", Policy{MinGuesses: 1e6}, "January2024!!!!!", Acceptable, ""},
		{"breached", Policy{Breaches: breachedFake()}, "correct horse battery staple", Rejected, "breached"},
		{"not breached", Policy{Breaches: breachedFake()}, "mauve kettle orbits the quiet fjord", Acceptable, ""},
		{"unchecked", Policy{Breaches: &fakeBreaches{err: errors.New("down")}}, "mauve kettle orbits the quiet fjord", Unchecked, ""},
		{"rejected wins over unchecked", Policy{Breaches: &fakeBreaches{err: errors.New("down")}}, "short", Rejected, "too_short,too_guessable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := tt.policy.Check(ctx, tt.pw)
			if err != nil {
				t.Fatal(err)
			}
			if r.Verdict != tt.verdict || codes(r) != tt.codes {
				t.Fatalf("verdict %s problems %q (%+v), want %s %q", r.Verdict, codes(r), r.Problems, tt.verdict, tt.codes)
			}
		})
	}
}

func TestCheckContext(t *testing.T) {
	ctx := context.Background()
	p := Policy{Context: []string{"alice.smith@example.com", "Twilio", "Acme Corp"}}
	tests := []struct {
		pw       string
		rejected bool
	}{
		{"AliceTwilio2024!", true},
		{"alice-twilio-2024-spring", true},
		{"4l1c3-Tw1l10-2024!", true},       // look-alike symbols
		{"oiliwt ecila 19851985", true},    // reversed
		{"t.w.i.l.i.o a.c.m.e 2024", true}, // separators
		{"SmithAcmeCorpSmith!!", true},
		{"twiliotwiliotwiliotwilio", true},
		{"alice loves hiking in the alps at dawn", false},
		{"mauve kettle orbits the quiet fjord", false},
	}
	for _, tt := range tests {
		t.Run(tt.pw, func(t *testing.T) {
			r, err := p.Check(ctx, tt.pw)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Contains(codes(r), "context")
			if got != tt.rejected {
				t.Fatalf("context rejection = %v, want %v (%+v)", got, tt.rejected, r.Problems)
			}
		})
	}
	r, _ := p.Check(ctx, "AliceTwilio2024!")
	for _, pr := range r.Problems {
		if pr.Code == "context" && !strings.Contains(pr.Message, `"alice" and "twilio"`) {
			t.Errorf("message does not name the words: %s", pr.Message)
		}
	}
}

func TestCheckInputErrors(t *testing.T) {
	tests := []struct {
		name   string
		policy Policy
		pw     string
		is     error
		msg    string
	}{
		{"empty", Policy{}, "", ErrEmpty, "empty"},
		{"too long", Policy{}, strings.Repeat("word ", 52), ErrTooLong, "260 characters, at most 256"},
		{"enormous", Policy{}, strings.Repeat("x", 1<<20), ErrTooLong, "1048576 bytes"},
		{"configured max", Policy{MaxLength: 20}, strings.Repeat("abcd", 6), ErrTooLong, "24 characters, at most 20"},
		{"not UTF-8", Policy{}, "valid start \xff\xfe then junk", ErrNotUTF8, "0xff at byte offset 12"},
		{"truncated UTF-8", Policy{}, "ends in half a rune \xc3", ErrNotUTF8, "byte offset 20"},
		{"newline", Policy{}, "two lines of\nwords here", ErrControl, "U+000A) at character 13"},
		{"NUL", Policy{}, "nul\x00inside the words", ErrControl, "U+0000"},
		{"bad policy", Policy{MinLength: 30, MaxLength: 20}, "x", ErrPolicy, "exceeds the maximum"},
		{"negative min", Policy{MinLength: -1}, "x", ErrPolicy, "not positive"},
		{"max over limit", Policy{MaxLength: MaxLengthLimit + 1}, "x", ErrPolicy, "over the limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.policy.Check(context.Background(), tt.pw)
			if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err = %v, want %v containing %q", err, tt.is, tt.msg)
			}
		})
	}
	// A literal U+FFFD is valid UTF-8.
	if _, err := (Policy{}).Check(context.Background(), "replacement \uFFFD char is fine here"); err != nil {
		t.Errorf("U+FFFD: %v", err)
	}
}

func TestUncheckedWrapsCause(t *testing.T) {
	cause := errors.New("connection refused")
	r, err := Policy{Breaches: &fakeBreaches{err: cause}}.Check(context.Background(), "mauve kettle orbits the quiet fjord")
	if err != nil {
		t.Fatal(err)
	}
	if r.Breach.Status != BreachUnchecked || !errors.Is(r.Breach.Err, ErrCouldNotCheck) || !errors.Is(r.Breach.Err, cause) {
		t.Fatalf("breach = %+v", r.Breach)
	}
	if !strings.Contains(r.Breach.Reason, "connection refused") {
		t.Errorf("reason = %q", r.Breach.Reason)
	}
}

// A Result says nothing about the passphrase's content.
func TestResultDoesNotContainPassphrase(t *testing.T) {
	pw := "AliceTwilio2024!"
	r, err := Policy{Context: []string{"alice", "twilio"}, Breaches: breachedFake()}.Check(context.Background(), pw)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(r)
	for _, part := range []string{pw, "2024", Sum(pw).Hex()} {
		if strings.Contains(string(b), part) {
			t.Errorf("result contains %q: %s", part, b)
		}
	}
}

func TestCheckOneBreachCallPerPassphrase(t *testing.T) {
	f := breachedFake()
	p := Policy{Breaches: f, Context: []string{"alice"}}
	for _, pw := range []string{"correct horse battery staple", "mauve kettle orbits the quiet fjord", "alice alice alice alice"} {
		before := f.calls.Load()
		if _, err := p.Check(context.Background(), pw); err != nil {
			t.Fatal(err)
		}
		if n := f.calls.Load() - before; n != 1 {
			t.Errorf("%d breach lookups for one passphrase", n)
		}
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{"", "password", "AliceTwilio2024!", "\xff", "ça déménage", "4l1c3!!!!!!!!!!!!", strings.Repeat("ab", 60)} {
		f.Add(s, "alice")
	}
	f.Fuzz(func(t *testing.T, pw, ctxWord string) {
		r, err := Policy{Context: []string{ctxWord}}.Check(context.Background(), pw)
		if err != nil {
			return
		}
		if r.Verdict != Acceptable && r.Verdict != Rejected {
			t.Fatalf("verdict %q without a breach check", r.Verdict)
		}
		if r.Verdict == Rejected && len(r.Problems) == 0 {
			t.Fatal("rejected without a problem")
		}
	})
}

// TestCheckNormalizes: a passphrase is judged in NFKC, as NIST SP 800-63B
// asks, whatever form it was typed in; the breach check also looks up the
// forms a corpus may hold it in (NFC, as typed), since a corpus of hashes
// cannot be normalised.
func TestCheckNormalizes(t *testing.T) {
	ctx := context.Background()
	accented := "ça déménage, très vite"    // NFC
	decomposed := norm.NFD.String(accented) // e and a combining accent
	fullWidth := "ｃｏｒｒｅｃｔ　ｈｏｒｓｅ　ｂａｔｔｅｒｙ　ｓｔａｐｌｅ"
	ligature := "ﬁne ﬂoating ﬁsh ﬂy by" // its NFKC form spells fi, fl
	corpus := &fakeBreaches{counts: map[Digest]int64{
		Sum(accented):                       3,
		Sum("correct horse battery staple"): 42,
		Sum(ligature):                       5, // leaked as typed
	}}
	for _, tc := range []struct {
		pw    string
		count int64
	}{
		{accented, 3},
		{decomposed, 3},
		{fullWidth, 42},
		{ligature, 5},
	} {
		r, err := Policy{Breaches: corpus}.Check(ctx, tc.pw)
		if err != nil {
			t.Fatal(err)
		}
		if r.Breach.Status != BreachFound || r.Breach.Count != tc.count {
			t.Errorf("%+q: breach %+v, want found %d times", tc.pw, r.Breach, tc.count)
		}
	}
	// Length is counted in characters of the normalised form.
	r, err := Policy{MinLength: 11}.Check(ctx, norm.NFD.String("ça déménage"))
	if err != nil || r.Length != 11 || strings.Contains(codes(r), "too_short") {
		t.Errorf("decomposed: length %d, problems %q, err %v", r.Length, codes(r), err)
	}
	if _, err := (Policy{MinLength: 4, MaxLength: 10}).Check(ctx, "ﬃﬃﬃﬃ"); !errors.Is(err, ErrTooLong) {
		t.Errorf("4 ligatures of 3 letters each, at most 10: err %v", err)
	}
	// Context words match whatever form either was typed in.
	r, err = Policy{Context: []string{norm.NFD.String("Hélène")}}.Check(ctx, "hélène2024!!!!!!")
	if err != nil || !strings.Contains(codes(r), "context") {
		t.Errorf("decomposed context: problems %q, err %v", codes(r), err)
	}
}
