package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"net"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/internal/tlscheck"
	"github.com/vigilsec/vigil/internal/tlscheck/tlstest"
)

// TestTwilioTLSHosts checks hosts given on the command line: loopback
// servers with certificates made for the test, trusted through --ca.
func TestTwilioTLSHosts(t *testing.T) {
	ca := tlstest.NewCA(t)
	caFile := writePeopleFile(t, "ca.pem", string(ca.PEM()))
	goodCert := ca.Good("127.0.0.1")
	good := hostOf(t, tlstest.Serve(t, goodCert, 0, 0, nil).URL)
	now := time.Now()
	soon := hostOf(t, tlstest.Serve(t, ca.Leaf([]string{"127.0.0.1"}, now.AddDate(0, -2, 0), now.Add(10*24*time.Hour)), 0, 0, nil).URL)
	old := hostOf(t, tlstest.Serve(t, goodCert, 0x0301, 0x0302, nil).URL)
	fp := tlscheck.Fingerprint(sha256.Sum256(goodCert.Certificate[0])).String()
	spaced := strings.ReplaceAll(fp, ":", " ")
	closed := closedAddr(t)
	for _, tt := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"good", []string{good, "--ca", caFile}, exitClean, []string{"OK    " + good + "  TLS 1.3", "SHA-256 " + fp, "serial  ", "1 hosts: 1 ok, 0 failed"}},
		{"pinned", []string{good, "--ca", caFile, "--pin", spaced}, exitClean, []string{"OK    " + good}},
		{"pinned to the host", []string{good, soon, "--ca", caFile, "--pin", good + "=" + fp, "--expiry-within", "5d"}, exitClean, []string{"2 hosts: 2 ok"}},
		{"pin mismatch", []string{good, "--ca", caFile, "--pin", strings.Repeat("00", 32)}, exitFindings, []string{"FAIL  " + good, "pin: the leaf's SHA-256 fingerprint " + fp + " is not the pinned 00:00"}},
		{"untrusted", []string{good}, exitFindings, []string{"chain: not issued by a trusted authority"}},
		{"expiring", []string{soon, "--ca", caFile}, exitFindings, []string{"expiry: the leaf certificate expires on"}},
		{"old TLS", []string{old, "--ca", caFile}, exitFindings, []string{"protocol: negotiated TLS 1.1"}},
		{"unreachable", []string{closed, "--ca", caFile}, exitRuntime, []string{"ERROR " + closed, "1 could not be checked"}},
		{"failure wins over unreachable", []string{closed, soon, "--ca", caFile}, exitFindings, []string{"1 failed, 1 could not be checked"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := peopleRun(t, "", nil, append([]string{"twilio", "tls"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s\n%s", code, tt.code, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("missing %q in\n%s", w, out)
				}
			}
		})
	}
	code, out, _ := peopleRun(t, "", nil, "twilio", "tls", good, "--ca", caFile, "--format", "json")
	var rep struct {
		Hosts []struct {
			Host       string
			ChainValid bool `json:"chain_valid"`
			Chain      []struct{ SHA256, Serial string }
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 || len(rep.Hosts) != 1 || !rep.Hosts[0].ChainValid || rep.Hosts[0].Chain[0].SHA256 != fp {
		t.Errorf("json: exit %d, %v\n%s", code, err, out)
	}
}

func TestTwilioTLSBadInput(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"hooks.example.com/path"}, "want HOST, HOST:PORT or an https URL"},
		{[]string{"api.twilio.com", "--pin", "D0:ED"}, "--pin: fingerprint"},
		{[]string{"api.twilio.com", "--pin", "other.example=" + strings.Repeat("00", 32)}, "other.example is not one of the hosts checked"},
		{[]string{"api.twilio.com", "--expiry-within", "soon"}, "--expiry-within"},
		{[]string{"api.twilio.com", "--ca", "missing.pem"}, "--ca"},
		{[]string{"api.twilio.com", "--format", "xml"}, `--format "xml"`},
	} {
		code, _, errOut := peopleRun(t, "", nil, append([]string{"twilio", "tls"}, tt.args...)...)
		if code != exitUsage || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d %q; want 2 and %q", tt.args, code, errOut, tt.want)
		}
	}
}

// TestTwilioTLSDefaultTargets: without arguments, the hosts are
// api.twilio.com, the regional host in use, and the hosts of the account's
// webhook URLs; a plain-http webhook is a failure found without connecting.
// (Only the list is built here: no real host is contacted.)
func TestTwilioTLSDefaultTargets(t *testing.T) {
	_, env := auditEmulator(t, "neglected", "https://hooks.test:8443")
	env["TWILIO_EDGE"], env["TWILIO_REGION"] = "dublin", "ie1"
	var stderr strings.Builder
	a := &app{stdio: stdio{getenv: func(k string) string { return env[k] }, stderr: &stderr}}
	list := &hostList{}
	if err := a.defaultTLSTargets(context.Background(), tlsFlags{}, list); err != nil {
		t.Fatal(err)
	}
	var hosts []string
	for _, tg := range list.targets {
		hosts = append(hosts, tg.Addr())
	}
	if !slices.Equal(hosts, []string{"api.twilio.com:443", "api.dublin.ie1.twilio.com:443", "hooks.test:8443"}) {
		t.Errorf("hosts %v", hosts)
	}
	if len(list.plain) != 1 || list.plain[0].URL != "http://ivr.example.com/voice" || !strings.Contains(list.plain[0].Uses, "voice_url of phone number +15005550008") {
		t.Errorf("plain %+v", list.plain)
	}
	if err := tlsExit(tlsReport{Plain: list.plain}, false); err == nil {
		t.Error("a plain-http webhook must fail")
	}
	for _, tt := range []struct{ edge, region, want string }{
		{"", "", "api.twilio.com"}, {"sydney", "", "api.sydney.us1.twilio.com"}, {"", "au1", "api.au1.twilio.com"},
	} {
		if got := twilioAPIHost(tt.edge, tt.region); got != tt.want {
			t.Errorf("twilioAPIHost(%q, %q) = %s", tt.edge, tt.region, got)
		}
	}
	delete(env, "TWILIO_ACCOUNT_SID")
	list = &hostList{}
	if err := a.defaultTLSTargets(context.Background(), tlsFlags{}, list); err != nil || len(list.targets) != 2 ||
		!strings.Contains(strings.Join(list.notices, "\n"), "webhook URLs not read: no TWILIO_ACCOUNT_SID") {
		t.Errorf("err %v, targets %v, notices %q", err, list.targets, list.notices)
	}
}

// TestTwilioAuditCheckTLS: --check-tls feeds HOOK-01: a webhook host
// whose certificate expires within the limit fails it.
func TestTwilioAuditCheckTLS(t *testing.T) {
	ca := tlstest.NewCA(t)
	caFile := writePeopleFile(t, "ca.pem", string(ca.PEM()))
	now := time.Now()
	hooks := tlstest.Serve(t, ca.Leaf([]string{"127.0.0.1"}, now.AddDate(0, -2, 0), now.Add(20*24*time.Hour)), 0, 0, nil)
	_, env := auditEmulator(t, "hardened", hooks.URL)
	code, out, errOut := peopleRun(t, "", env, "twilio", "audit", "--level", "L2", "--attest", attestAll(t), "--check-tls", "--ca", caFile)
	if code != exitFindings || !strings.Contains(out, "FAIL     HOOK-01") || !strings.Contains(out, "certificate: the leaf certificate expires on") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = peopleRun(t, "", env, "twilio", "audit", "--level", "L2", "--attest", attestAll(t), "--check-tls", "--ca", caFile, "--expiry-within", "10d")
	if code != exitClean || !strings.Contains(out, "PASS     HOOK-01") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := peopleRun(t, "", env, "twilio", "audit", "--ca", caFile); code != exitUsage || !strings.Contains(errOut, "--ca is for --check-tls") {
		t.Errorf("exit %d %q", code, errOut)
	}
}

func hostOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
