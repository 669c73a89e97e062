package audit

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/internal/tlscheck"
	"github.com/vigilsec/vigil/internal/tlscheck/tlstest"
)

// TestWebhookCertificates: with certificates checked, HOOK-01 fails on a
// webhook host whose certificate is bad (expiring soon, for another name)
// as it does on plain http, is unknown when a host cannot be reached, and
// passes only when every certificate is good. Every host is a loopback
// server with a certificate made for the test.
func TestWebhookCertificates(t *testing.T) {
	ca := tlstest.NewCA(t)
	now := time.Now()
	good := tlstest.Serve(t, ca.Good("127.0.0.1"), 0, 0, nil).URL
	expiring := tlstest.Serve(t, ca.Leaf([]string{"127.0.0.1"}, now.AddDate(0, -3, 0), now.Add(5*24*time.Hour)), 0, 0, nil).URL
	otherName := tlstest.Serve(t, ca.Good("hooks.test"), 0, 0, nil).URL
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "https://" + l.Addr().String()
	l.Close()
	for _, tt := range []struct {
		name   string
		urls   []string
		check  bool
		status Status
		want   string
	}{
		{"good", []string{good + "/voice", good + "/sms"}, true, Pass, "2 webhook URLs, all HTTPS, each with a chain valid for its host, TLS 1.2 or newer, no certificate expiring within 30d"},
		{"not checked", []string{good + "/voice"}, false, Pass, "(certificates not checked: --check-tls checks them)"},
		{"expiring", []string{good + "/voice", expiring + "/sms"}, true, Fail, "1 of 2 webhook URLs do not use HTTPS with a valid certificate (0 plain http, 1 bad certificates) | certificate: the leaf certificate expires on"},
		{"other name", []string{otherName + "/voice"}, true, Fail, "certificate: not valid for 127.0.0.1 (it is for hooks.test)"},
		{"plain http and bad", []string{"http://127.0.0.1:1/voice", expiring + "/sms"}, true, Fail, "(1 plain http, 1 bad certificates)"},
		{"unreachable", []string{good + "/voice", closed + "/sms"}, true, Unknown, "the certificate of 1 could not be checked | certificate not checked: connect to"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			seed := "accounts:\n  - name: a\n    sid: " + sid('a') + "\n    incoming_phone_numbers:\n"
			for i, u := range tt.urls {
				seed += "      - {sid: PN" + strings.Repeat(string(rune('1'+i)), 32) + ", phone_number: \"+1500555000" + string(rune('1'+i)) + "\", voice_url: \"" + u + "\"}\n"
			}
			o := seededFixture(t, seed).options(t)
			if tt.check {
				o.TLS = &tlscheck.Options{Roots: ca.Pool(), Timeout: 5 * time.Second}
			}
			r := find(t, mustRun(t, o), sid('a'), "HOOK-01")
			text := r.Summary
			for _, e := range r.Evidence {
				text += " | " + e.Note
			}
			if r.Status != tt.status || !strings.Contains(text, strings.Split(tt.want, " | ")[0]) ||
				(strings.Contains(tt.want, " | ") && !strings.Contains(text, strings.Split(tt.want, " | ")[1])) {
				t.Errorf("%s %q; want %s %q", r.Status, text, tt.status, tt.want)
			}
		})
	}
}
