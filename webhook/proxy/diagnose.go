package proxy

import (
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/vigilsec/vigil/webhook"
)

// diagnoseLimit caps how many failed requests are diagnosed before the
// first success, so a flood of forgeries costs little.
const diagnoseLimit = 20

// diagnoser explains signature failures caused by a misconfigured public
// URL. Until one request has verified, it retries each failed one under
// other plausible URLs (the other scheme, the Host header, X-Forwarded-*
// headers from an untrusted peer) and logs loudly when one of them
// matches: that request was genuine and the configuration is wrong.
type diagnoser struct {
	v      *webhook.Validator
	urls   urlBuilder
	log    *slog.Logger
	passed atomic.Bool
	tries  atomic.Int32
	once   sync.Once
}

func newDiagnoser(v *webhook.Validator, urls urlBuilder, log *slog.Logger) *diagnoser {
	return &diagnoser{v: v, urls: urls, log: log}
}

// startupWarnings flags configurations under which Twilio's requests are
// likely to fail.
func (d *diagnoser) startupWarnings(publicURL string, trusted bool) {
	switch {
	case publicURL == "" && !trusted:
		d.log.Warn("no --public-url and no --trusted-proxy: the signed URL is rebuilt from the Host header and this listener's scheme; " +
			"if a load balancer or TLS terminator sits in front, every request will fail: set --public-url")
	case strings.HasPrefix(publicURL, "http://"):
		d.log.Warn("the public URL is plain http: Twilio should be configured with an https URL, and the scheme must match exactly",
			slog.String("public_url", logURL(publicURL)))
	}
}

// verified records that a request passed, which ends diagnosis.
func (d *diagnoser) verified() {
	if !d.passed.Load() {
		d.passed.Store(true)
	}
}

// failed diagnoses a request whose signature matched no URL variant.
func (d *diagnoser) failed(r *http.Request, req *webhook.Request, public string) {
	if d.passed.Load() || d.tries.Add(1) > diagnoseLimit {
		return
	}
	for _, alt := range d.alternatives(r, public) {
		if _, err := d.v.Verify(req, alt); err == nil {
			d.log.Error("MISCONFIGURED PUBLIC URL: a request failed for the configured public URL but is validly signed for another; "+
				"set --public-url (or --trusted-proxy) so that they agree",
				slog.String("checked_url", logURL(public)), slog.String("signed_url", logURL(alt)))
			return
		}
	}
	d.once.Do(func() {
		d.log.Warn("the first request failed every URL variant and no request has passed yet; if it came from Twilio, "+
			"the public URL (--public-url, --trusted-proxy) or the Auth Token is wrong",
			slog.String("checked_url", logURL(public)))
	})
}

// alternatives are the URLs a misconfigured proxy may have missed.
func (d *diagnoser) alternatives(r *http.Request, public string) []string {
	scheme, rest, _ := strings.Cut(public, "://")
	other := "https"
	if scheme == "https" {
		other = "http"
	}
	cands := []string{other + "://" + rest}
	uri := r.URL.RequestURI()
	if r.RequestURI != "" && r.RequestURI[0] == '/' {
		uri = r.RequestURI
	}
	hosts := []string{r.Host}
	if h := firstValue(r.Header.Get("X-Forwarded-Host")); h != "" && validHost(h) {
		hosts = append(hosts, h)
	}
	for _, h := range hosts {
		for _, s := range []string{"https", "http"} {
			cands = append(cands, s+"://"+h+uri)
		}
	}
	out := cands[:0]
	for _, c := range cands {
		if c != public {
			out = append(out, c)
		}
	}
	return out
}

// logURL is u as logs may show it: without its query, which may hold
// personal data (a GET webhook's parameters), and without the password of
// its user information.
func logURL(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return u
	}
	host, path := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		host, path = rest[:i], rest[i:]
	}
	if at := strings.LastIndexByte(host, '@'); at >= 0 {
		user, _, hasPassword := strings.Cut(host[:at], ":")
		if hasPassword {
			user += ":xxxxx"
		}
		host = user + host[at:]
	}
	return scheme + "://" + host + path
}
