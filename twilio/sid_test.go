package twilio_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/twilio"
)

// hex32 builds 32 hex digits from a short repeated pattern (not a secret:
// SIDs are identifiers).
func hex32(p string) string { return strings.Repeat(p, 32/len(p)) }

func TestParseSID(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		prefixes []string
		ok       bool
		errHas   string
	}{
		{"account lower hex", "AC" + hex32("0a"), []string{"AC"}, true, ""},
		{"account upper hex", "AC" + hex32("0A"), []string{"AC"}, true, ""},
		{"account mixed hex", "AC" + hex32("aB"), []string{"AC"}, true, ""},
		{"key", "SK" + hex32("12"), []string{"SK"}, true, ""},
		{"either of two", "SK" + hex32("12"), []string{"AC", "SK"}, true, ""},
		{"any SID", "PN" + hex32("ff"), nil, true, ""},
		{"any SID, lower-case prefix (spec pattern)", "pn" + hex32("ff"), nil, true, ""},
		{"lower-case account prefix", "ac" + hex32("0a"), []string{"AC"}, false, "got another prefix"},
		{"key where account wanted", "SK" + hex32("0a"), []string{"AC"}, false, "got an API key SID"},
		{"account where key wanted", "AC" + hex32("0a"), []string{"SK"}, false, "got an Account SID"},
		{"33 characters", "AC" + hex32("0a")[:31], []string{"AC"}, false, "got 33 characters"},
		{"35 characters", "AC" + hex32("0a") + "0", []string{"AC"}, false, "got 35 characters"},
		{"empty", "", []string{"AC"}, false, "got 0 characters"},
		{"non-hex digit", "AC" + hex32("0a")[:31] + "g", []string{"AC"}, false, "position 34"},
		{"placeholder x", "AC" + hex32("x"), []string{"AC"}, false, "not a hex digit"},
		{"space inside", "AC" + hex32("0a")[:15] + " " + hex32("0a")[:16], []string{"AC"}, false, "position 18"},
		{"surrounding space", " AC" + hex32("0a")[:31], []string{"AC"}, false, ""},
		{"digit prefix", "A1" + hex32("0a"), nil, false, "not two letters"},
		{"non-ASCII prefix", "Ä" + hex32("0a"), nil, false, ""},
		{"unknown prefix asked", "XY" + hex32("0a"), []string{"XY"}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sid, err := twilio.ParseSID(tt.in, tt.prefixes...)
			if ok := err == nil; ok != tt.ok {
				t.Fatalf("ParseSID(%q, %q) error = %v, want ok=%v", tt.in, tt.prefixes, err, tt.ok)
			}
			if got := twilio.IsSID(tt.in, tt.prefixes...); got != tt.ok {
				t.Errorf("IsSID = %v, want %v", got, tt.ok)
			}
			if err != nil {
				if !errors.Is(err, twilio.ErrInvalidSID) {
					t.Errorf("error %v does not wrap ErrInvalidSID", err)
				}
				if !strings.Contains(err.Error(), tt.errHas) {
					t.Errorf("error %q does not say %q", err, tt.errHas)
				}
				if len(tt.in) > 4 && strings.Contains(err.Error(), tt.in[2:]) {
					t.Errorf("error %q quotes the input", err)
				}
				return
			}
			if sid.String() != tt.in || sid.Prefix() != tt.in[:2] {
				t.Errorf("SID %q prefix %q", sid, sid.Prefix())
			}
		})
	}
}

func TestSIDHelpers(t *testing.T) {
	ac, sk := "AC"+hex32("ab"), "SK"+hex32("ab")
	if !twilio.IsAccountSID(ac) || twilio.IsAccountSID(sk) || !twilio.IsKeySID(sk) || twilio.IsKeySID(ac) {
		t.Error("IsAccountSID / IsKeySID disagree with the prefixes")
	}
	if _, err := twilio.ParseAccountSID(sk); err == nil || !strings.Contains(err.Error(), "want an Account SID (AC followed by 32 hex digits)") {
		t.Errorf("ParseAccountSID(key) = %v", err)
	}
	if _, err := twilio.ParseKeySID(ac); err == nil || !strings.Contains(err.Error(), "want an API key SID (SK followed by 32 hex digits)") {
		t.Errorf("ParseKeySID(account) = %v", err)
	}
	if _, err := twilio.ParseSID("x", "AC", "SK"); err == nil || !strings.Contains(err.Error(), "Account SID (AC followed by 32 hex digits) or an API key SID") {
		t.Errorf("two prefixes: %v", err)
	}
	upper := twilio.SID("AC" + hex32("AB"))
	if !twilio.SID(ac).Equal(upper) {
		t.Error("SIDs differing in hex case are the same resource")
	}
	if twilio.SID(ac).Equal(twilio.SID("ac"+hex32("ab"))) || twilio.SID(ac).Equal(twilio.SID(sk)) {
		t.Error("SIDs with other prefixes are equal")
	}
}

// specSID is the reference: the patterns in Twilio's OpenAPI spec
// (shared/reference/twilio.md §1.1).
var (
	specAny     = regexp.MustCompile(`^[a-zA-Z]{2}[0-9a-fA-F]{32}$`)
	specAccount = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)
	specKey     = regexp.MustCompile(`^SK[0-9a-fA-F]{32}$`)
)

func FuzzParseSID(f *testing.F) {
	for _, s := range []string{"AC" + hex32("0a"), "SK" + hex32("F0"), "ac" + hex32("00"), "AC" + hex32("x"), "", "AC", "PN" + hex32("9"), "AC" + hex32("0a") + "\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range []struct {
			re       *regexp.Regexp
			prefixes []string
		}{{specAny, nil}, {specAccount, []string{"AC"}}, {specKey, []string{"SK"}}} {
			sid, err := twilio.ParseSID(s, c.prefixes...)
			if want := c.re.MatchString(s); (err == nil) != want {
				t.Fatalf("ParseSID(%q, %q) = %v, spec pattern says %v", s, c.prefixes, err, want)
			}
			if err == nil && (string(sid) != s || !sid.Equal(sid)) {
				t.Fatalf("ParseSID(%q) = %q", s, sid)
			}
			if err != nil && !errors.Is(err, twilio.ErrInvalidSID) {
				t.Fatalf("error %v does not wrap ErrInvalidSID", err)
			}
		}
		if twilio.IsAccountSID(s) != specAccount.MatchString(s) || twilio.IsKeySID(s) != specKey.MatchString(s) {
			t.Fatalf("IsAccountSID/IsKeySID(%q) disagree with the spec", s)
		}
	})
}
