package audit

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/twilio/twiliotest"
)

func TestParseAttestationsErrors(t *testing.T) {
	const ok = "control: AUTH-01\n    by: Jo\n    date: 2026-01-02\n    evidence: https://x.example\n    value: true"
	for _, tt := range []struct {
		name, yaml, want string
	}{
		{"not yaml", "attestations: [\n", "1: invalid YAML"},
		{"top-level list", "- control: AUTH-01\n", "1: want a mapping with the key attestations"},
		{"unknown top key", "attestation: []\n", `1: unknown field "attestation"`},
		{"entries not a list", "attestations: {control: AUTH-01}\n", "1: field attestations: want a list"},
		{"entry not a mapping", "attestations:\n  - AUTH-01\n", "2: an attestation must be a mapping"},
		{"unknown field", "attestations:\n  - " + ok + "\n    sigend: yes\n", `7: unknown field "sigend"`},
		{"missing by", "attestations:\n  - control: AUTH-01\n    date: 2026-01-02\n    evidence: e\n    value: true\n", "2: field by is missing"},
		{"missing value", "attestations:\n  - control: AUTH-01\n    by: Jo\n    date: 2026-01-02\n    evidence: e\n", "2: field value is missing"},
		{"empty evidence", "attestations:\n  - control: AUTH-01\n    by: Jo\n    date: 2026-01-02\n    evidence: \"\"\n    value: true\n", "2: field evidence is missing"},
		{"unknown control", "attestations:\n  - control: AUTH-99\n    by: Jo\n    date: 2026-01-02\n    evidence: e\n    value: true\n", `2: field control: unknown control "AUTH-99"`},
		{"api-only control", "attestations:\n  - control: CRED-03\n    by: Jo\n    date: 2026-01-02\n    evidence: e\n    value: true\n", "2: field control: CRED-03 is decided from the Twilio API"},
		{"bad date", "attestations:\n  - control: AUTH-01\n    by: Jo\n    date: last week\n    evidence: e\n    value: true\n", "4: field date"},
		{"future date", "attestations:\n  - control: AUTH-01\n    by: Jo\n    date: 2027-01-02\n    evidence: e\n    value: true\n", "4: field date: 2027-01-02 is in the future"},
		{"bool as string", "attestations:\n  - control: AUTH-01\n    by: Jo\n    date: 2026-01-02\n    evidence: e\n    value: \"yes\"\n", "6: field value: AUTH-01 wants true or false"},
		{"count not a number", "attestations:\n  - control: ACC-02\n    by: Jo\n    date: 2026-01-02\n    evidence: e\n    value: two\n", "6: field value: ACC-02 wants a whole number"},
		{"date value", "attestations:\n  - control: CRED-04\n    by: Jo\n    date: 2026-01-02\n    evidence: e\n    value: [1]\n", "6: field value: CRED-04 wants a date"},
		{"bad account", "attestations:\n  - " + ok + "\n    account: AC123\n", "7: field account: want an Account SID"},
		{"duplicate field", "attestations:\n  - " + ok + "\n    by: Al\n", "7: field by given twice"},
		{"list for by", "attestations:\n  - control: AUTH-01\n    by: [Jo, Al]\n    date: 2026-01-02\n    evidence: e\n    value: true\n", "3: field by: want a single value"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAttestations([]byte(tt.yaml), Builtin(), testNow)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want[:strings.Index(tt.want, ":")+1]) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestLoadAttestationsNamesFileAndLine(t *testing.T) {
	p := filepath.Join(t.TempDir(), "attest.yaml")
	if err := os.WriteFile(p, []byte("attestations:\n  - control: AUTH-01\n    by: Jo\n    date: 2026-01-02\n    evidence: e\n    value: maybe\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadAttestations(p, Builtin(), testNow)
	if err == nil || !strings.HasPrefix(err.Error(), p+":6: field value") {
		t.Fatalf("err = %v", err)
	}
}

func TestAttestationsFor(t *testing.T) {
	a, err := ParseAttestations([]byte(`attestations:
  - {control: CRED-02, by: A, date: 2026-01-01, evidence: e, value: [skz, SKy]}
  - {control: CRED-02, by: B, date: 2026-02-01, evidence: e, value: [SKy, SKz]}
  - {control: CRED-02, account: `+sid('a')+`, by: C, date: 2025-01-01, evidence: e, value: []}
  - {control: CRED-04, by: D, date: 2026-01-01, evidence: e, value: 2025-12-24}
  - {control: ACC-02, by: E, date: 2026-01-01, evidence: e, value: 3}
`), Builtin(), testNow)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ control, account, by string }{
		{"CRED-02", sid('b'), "B"}, // the newest for every account
		{"CRED-02", sid('a'), "C"}, // one naming the account wins
		{"CRED-04", sid('a'), "D"},
		{"AUTH-01", sid('a'), ""},
	} {
		got := a.For(tt.control, tt.account)
		if (got == nil && tt.by != "") || (got != nil && got.By != tt.by) {
			t.Errorf("For(%s, %s) = %+v, want by %q", tt.control, tt.account, got, tt.by)
		}
	}
	if v, _ := a.For("CRED-04", "").Value.(time.Time); !v.Equal(time.Date(2025, 12, 24, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date value = %v", v)
	}
	if v, _ := a.For("CRED-02", sid('b')).Value.([]string); len(v) != 2 {
		t.Errorf("list value = %v", v)
	}
	if v, _ := a.For("ACC-02", "").Value.(int); v != 3 {
		t.Errorf("int value = %v", v)
	}
}

// TestConflictingAttestations: two attestations of one control for the
// same accounts with different values are an error naming both lines; the
// same value twice, or different accounts, are not.
func TestConflictingAttestations(t *testing.T) {
	for _, tt := range []struct{ name, second, want string }{
		{"bool", "{control: AUTH-01, by: B, date: 2026-02-01, evidence: e, value: false}",
			"3: AUTH-01 for every account is attested with value false here and true at line 2: the two conflict; keep one"},
		{"list", "{control: CRED-02, by: B, date: 2026-02-01, evidence: e, value: [SK2]}", "3: CRED-02 for every account is attested with value [SK2] here and [SK1] at line 2"},
		{"same account", "{control: AUTH-01, by: B, date: 2026-02-01, evidence: e, value: true}", ""},
		{"other account", "{control: AUTH-01, account: " + sid('a') + ", by: B, date: 2026-02-01, evidence: e, value: false}", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc := "attestations:\n  - {control: AUTH-01, by: A, date: 2026-01-01, evidence: e, value: true}\n  - " + tt.second + "\n"
			if tt.name == "list" {
				doc = "attestations:\n  - {control: CRED-02, by: A, date: 2026-01-01, evidence: e, value: [SK1]}\n  - " + tt.second + "\n"
			}
			_, err := ParseAttestations([]byte(doc), Builtin(), testNow)
			if (tt.want == "") != (err == nil) || (err != nil && !strings.HasPrefix(err.Error(), tt.want)) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
	p := filepath.Join(t.TempDir(), "a.yaml")
	if err := os.WriteFile(p, []byte("attestations:\n  - {control: HOOK-03, by: A, date: 2026-01-01, evidence: e, value: true}\n  - {control: HOOK-03, by: A, date: 2026-01-02, evidence: e, value: false}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadAttestations(p, Builtin(), testNow); err == nil || !strings.HasPrefix(err.Error(), p+":3: HOOK-03") {
		t.Errorf("err = %v, want it to name %s:3", err, p)
	}
}

func TestStaleAttestation(t *testing.T) {
	a, err := ParseAttestations([]byte("attestations:\n  - {control: AUTH-01, by: Jo, date: 2024-01-02, evidence: e, value: true}\n  - {control: AUTH-02, by: Jo, date: 2024-01-02, evidence: e, value: false}\n"), Builtin(), testNow)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{now: testNow, attestMaxAge: 365 * 24 * time.Hour, attest: a}
	s := &Snapshot{Account: Account{SID: sid('a'), OwnerSID: sid('a'), Status: "active"}}
	cat := Builtin()
	if r := evaluate(cat.Lookup("AUTH-01"), s, e); r.Status != Stale || !strings.Contains(r.Summary, "over the 365d allowed") {
		t.Errorf("old pass: %s %s", r.Status, r.Summary)
	}
	if r := evaluate(cat.Lookup("AUTH-02"), s, e); r.Status != Fail {
		t.Errorf("an old attestation of failure still fails: %s", r.Status)
	}
	if r := evaluate(cat.Lookup("AUTH-03"), s, e); r.Status != Unknown || !strings.Contains(r.Summary, "no attestation") {
		t.Errorf("missing attestation: %s %s", r.Status, r.Summary)
	}
}

func FuzzParseAttestations(f *testing.F) {
	for _, name := range []string{"hardened-attest.yaml", "neglected-attest.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("attestations:\n  - {control: CRED-02, by: A, date: 2026-01-01, evidence: e, value: [SKx]}\n"))
	f.Add([]byte("attestations: [{control: CRED-04, by: A, date: 2026-01-01T00:00:00Z, evidence: e, value: 2026-01-01}]"))
	f.Add([]byte("attestations: &a [*a]"))
	cat := Builtin()
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseAttestations(data, cat, testNow)
		if err != nil {
			if !strings.Contains(err.Error(), ": ") {
				t.Errorf("error without a line: %v", err)
			}
			return
		}
		for _, e := range a.Entries {
			if cat.Lookup(e.Control) == nil || e.By == "" || e.Evidence == "" || e.Value == nil || e.Date.After(testNow.Add(24*time.Hour)) {
				t.Errorf("accepted an invalid entry: %+v", e)
			}
		}
	})
}

// TestAttestationForAnAccountOutsideTheAudit: an attestation naming an
// Account SID the audit does not cover is an error naming file:line (a
// typo would otherwise leave the intended account unattested in silence);
// when the account list cannot be read, a notice says it was not checked.
func TestAttestationForAnAccountOutsideTheAudit(t *testing.T) {
	f := newFixture(t, "mixed", "")
	p := filepath.Join(t.TempDir(), "attest.yaml")
	doc := "attestations:\n  - {control: AUTH-01, by: A, date: 2026-01-01, evidence: e, value: true}\n" +
		"  - {control: HOOK-03, account: " + sid('9') + ", by: A, date: 2026-01-01, evidence: e, value: true}\n"
	if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	o := f.options(t)
	o.Attestations = loadAttestFile(t, p)
	_, err := Run(context.Background(), o)
	if !errors.Is(err, ErrAttestation) || !strings.Contains(err.Error(), p+":3: HOOK-03 names account "+sid('9')+", which is not in this audit") {
		t.Fatalf("err = %v", err)
	}
	key, err := f.srv.AddKey(sid('f'), twiliotest.KeySeed{FriendlyName: "auditor"})
	if err != nil {
		t.Fatal(err)
	}
	o.Twilio.Username, o.Twilio.Password = key.SID, key.Secret
	rep := mustRun(t, o)
	if !slices.ContainsFunc(rep.Notices, func(n string) bool {
		return strings.Contains(n, "were not checked: the account list could not be read")
	}) {
		t.Errorf("notices %q", rep.Notices)
	}
}

func loadAttestFile(t *testing.T, path string) *Attestations {
	t.Helper()
	a, err := LoadAttestations(path, Builtin(), testNow)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
