package rotate

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// interrupted leaves a journal of a key rotation stopped at the
// confirmation.
func interrupted(t *testing.T) *env {
	e := newEnv(t, twiliotest.KeySeed{})
	e.answers = []bool{false}
	if _, err := e.runner(t).RotateKey(context.Background(), KeyRequest{Key: e.old.SID}); err == nil {
		t.Fatal("want not confirmed")
	}
	return e
}

func TestJournalOtherAccount(t *testing.T) {
	e := interrupted(t)
	other := "AC" + strings.Repeat("1", 32)
	_, _, err := LoadFor(e.journal, other)
	var re *Error
	var am *AccountMismatchError
	if !errors.As(err, &re) || !errors.As(err, &am) || !strings.Contains(re.Next, "TWILIO_ACCOUNT_SID="+e.acct.SID) ||
		!strings.Contains(re.State, e.acct.SID) {
		t.Fatalf("err = %#v", err)
	}
}

func TestJournalCorrupt(t *testing.T) {
	e := interrupted(t)
	data, _ := os.ReadFile(e.journal)
	lines := strings.SplitAfter(string(data), "\n")
	for _, tt := range []struct {
		name, content, want string
	}{
		{"garbage line", lines[0] + lines[1] + "{not json\n" + strings.Join(lines[2:], ""), "line 3 is corrupt"},
		{"missing record", lines[0] + strings.Join(lines[2:], ""), "sequence number 3, want 2"},
		{"no plan", strings.Join(lines[1:], ""), "line 1 is corrupt"},
		{"empty", "", "no records"},
		{"edited account", strings.Replace(string(data), e.acct.SID, "AC"+strings.Repeat("2", 32), 1), "line 2 is corrupt: records of two accounts"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_ = os.WriteFile(e.journal, []byte(tt.content), 0o600)
			_, _, err := LoadFor(e.journal, e.acct.SID)
			var re *Error
			if !errors.As(err, &re) || !strings.Contains(err.Error(), tt.want) || re.State == "" || re.Next == "" {
				t.Fatalf("err = %v (%+v), want %q", err, re, tt.want)
			}
		})
	}
	// The state of the last good record is reported.
	_ = os.WriteFile(e.journal, []byte(strings.Join(lines[:5], "")+"{x\n"), 0o600)
	_, _, err := LoadFor(e.journal, e.acct.SID)
	if re := (*Error)(nil); !errors.As(err, &re) || !strings.Contains(re.State, "old key "+e.old.SID) {
		t.Errorf("state of a corrupt journal: %+v", err)
	}
}

// TestJournalTornWrite: a final line cut short by a crash is ignored.
func TestJournalTornWrite(t *testing.T) {
	e := interrupted(t)
	data, _ := os.ReadFile(e.journal)
	_ = os.WriteFile(e.journal, append(data, []byte(`{"v":1,"rotation":"ab`)...), 0o600)
	recs, st, err := LoadFor(e.journal, e.acct.SID)
	if err != nil || len(recs) == 0 || st.Closed() {
		t.Fatalf("torn write: %v", err)
	}
	if err := e.runner(t).Resume(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	e.checkWorking(t)
}

func TestNewRotationRefusesUnfinished(t *testing.T) {
	e := interrupted(t)
	_, err := e.runner(t).RotateKey(context.Background(), KeyRequest{Key: e.old.SID})
	var re *Error
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "unfinished") || !strings.Contains(re.Next, "--resume") {
		t.Fatalf("err = %v", err)
	}
}

func FuzzParseJournal(f *testing.F) {
	f.Add([]byte(`{"v":1,"rotation":"0123456789abcdef","seq":1,"time":"2026-03-10T12:00:00Z","account":"AC00000000000000000000000000000000","step":"plan","phase":"done","working":[],"stored":"old","plan":{"id":"0123456789abcdef","kind":"auth-token","account":"AC00000000000000000000000000000000","actor":"AC00000000000000000000000000000000","store":"dotenv:x","token_field":"T"}}` + "\n"))
	f.Add([]byte("{}\n{}\n"))
	f.Add([]byte("\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := parse("fuzz", data)
		if err != nil {
			return
		}
		st := Derive(recs)
		_ = st.Summary()
		if st.Plan.check() != "" {
			t.Fatalf("accepted a journal with a bad plan: %+v", st.Plan)
		}
	})
}
