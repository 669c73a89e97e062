package webhook

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// benchForm is an inbound-SMS webhook's parameters, placeholders only.
func benchForm(n int) url.Values {
	id := strings.Repeat("0", 28) + strconv.Itoa(1000+n)
	return url.Values{
		"ToCountry": {"US"}, "ToState": {"CA"}, "SmsMessageSid": {"SM" + id}, "NumMedia": {"0"},
		"ToCity": {"SAN FRANCISCO"}, "FromZip": {"94105"}, "SmsSid": {"SM" + id}, "FromState": {"CA"},
		"SmsStatus": {"received"}, "FromCity": {"SAN FRANCISCO"}, "Body": {"Hello from the bench, message " + strconv.Itoa(n)},
		"FromCountry": {"US"}, "To": {"+15005550006"}, "ToZip": {"94105"}, "NumSegments": {"1"},
		"MessageSid": {"SM" + id}, "AccountSid": {"AC" + strings.Repeat("x", 32)}, "From": {"+15005550006"}, "ApiVersion": {"2010-04-01"},
	}
}

// BenchmarkParseVerify is the validator's work for one inbound-SMS webhook
// (read and parse the body, verify against the public URL), without any
// network.
func BenchmarkParseVerify(b *testing.B) {
	tok := newToken(b)
	const public = "https://hooks.example.com/sms"
	v := &Validator{Keys: NewKeyring(tok)}
	form := benchForm(1)
	r := formRequest(tok, public, form)
	body := form.Encode()
	b.ReportAllocs()
	for b.Loop() {
		r.Body = nopCloser{strings.NewReader(body)}
		req, err := v.Parse(r)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := v.Verify(req, public); err != nil {
			b.Fatal(err)
		}
	}
}

type nopCloser struct{ *strings.Reader }

func (nopCloser) Close() error { return nil }
