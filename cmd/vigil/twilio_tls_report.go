package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/vigilsec/vigil/internal/audit"
	"github.com/vigilsec/vigil/internal/tlscheck"
)

// hostList collects the hosts to check, each once, with what uses it.
type hostList struct {
	targets    []tlscheck.Target
	plain      []plainURL
	notices    []string
	incomplete bool // some webhook URLs could not be read
}

// plainURL is a webhook URL on plain http: nothing to connect to, and a
// failure as it stands.
type plainURL struct {
	URL  string `json:"url"`
	Uses string `json:"uses"`
}

func (l *hostList) add(t tlscheck.Target, use string) {
	for i := range l.targets {
		if l.targets[i].Addr() == t.Addr() {
			l.targets[i].Uses = append(l.targets[i].Uses, use)
			return
		}
	}
	t.Uses = []string{use}
	l.targets = append(l.targets, t)
}

// addURL adds a webhook URL's host, or records it as plain http.
func (l *hostList) addURL(w audit.Webhook) {
	use := strings.TrimSpace(fmt.Sprintf("%s of %s %s (%s)", w.Field, w.Kind, w.Name, w.Resource))
	t, err := tlscheck.TargetOfURL(w.URL)
	switch {
	case err == tlscheck.ErrPlainHTTP:
		l.plain = append(l.plain, plainURL{URL: w.Redacted(), Uses: use})
	case err != nil:
		l.notices = append(l.notices, fmt.Sprintf("%s: %s is not an https URL (%v): not checked", use, w.Redacted(), err))
	default:
		l.add(t, use)
	}
}

// pin attaches --pin values: "FINGERPRINT" to every host, "HOST=FINGERPRINT"
// to that host (which must be one of those checked).
func (l *hostList) pin(pins []string) error {
	for _, p := range pins {
		host, fp, scoped := strings.Cut(p, "=")
		if !scoped || strings.HasPrefix(strings.ToLower(host), "sha256") {
			host, fp = "", p
		}
		f, err := tlscheck.ParseFingerprint(fp)
		if err != nil {
			return withHint(usageError(fmt.Errorf("--pin: %w", err)), "openssl s_client -connect HOST:443 </dev/null | openssl x509 -noout -fingerprint -sha256 prints it")
		}
		matched := false
		for i := range l.targets {
			if host == "" || strings.EqualFold(l.targets[i].Host, host) || l.targets[i].Addr() == host {
				l.targets[i].Pins = append(l.targets[i].Pins, f)
				matched = true
			}
		}
		if !matched {
			return usageError(fmt.Errorf("--pin %s: %s is not one of the hosts checked", p, host))
		}
	}
	return nil
}

// tlsReport is what vigil twilio tls prints.
type tlsReport struct {
	ExpiryWithin string            `json:"expiry_within"`
	Hosts        []tlscheck.Result `json:"hosts"`
	Plain        []plainURL        `json:"plain_http,omitempty"`
	Notices      []string          `json:"notices,omitempty"`
}

func writeTLSText(w io.Writer, rep tlsReport) error {
	b := bufio.NewWriter(w)
	for _, r := range rep.Hosts {
		status := "OK  "
		switch {
		case r.Err != "":
			status = "ERROR"
		case !r.OK():
			status = "FAIL"
		}
		fmt.Fprintf(b, "%-5s %s", status, r.Addr)
		if r.Version != "" {
			fmt.Fprintf(b, "  %s", r.Version)
		}
		fmt.Fprintln(b)
		for _, u := range r.Target.Uses {
			fmt.Fprintf(b, "      used by: %s\n", u)
		}
		if r.Err != "" {
			fmt.Fprintf(b, "      %s\n", r.Err)
		}
		for _, p := range r.Problems {
			fmt.Fprintf(b, "      %s: %s\n", p.Kind, p.Detail)
		}
		for i, c := range r.Chain {
			role := "leaf"
			if i > 0 {
				role = "chain"
			}
			fmt.Fprintf(b, "      %-5s %s, expires %s\n", role, c.Subject, c.NotAfter.Format("2006-01-02"))
			fmt.Fprintf(b, "            SHA-256 %s\n            serial  %s\n", c.SHA256, c.Serial)
		}
	}
	for _, p := range rep.Plain {
		fmt.Fprintf(b, "FAIL  %s\n      used by: %s\n      plain http: no TLS at all, so no certificate to trust; serve it over https\n", p.URL, p.Uses)
	}
	ok, failed, errs := tlsCounts(rep)
	fmt.Fprintf(b, "\n%d hosts: %d ok, %d failed, %d could not be checked; certificates must last more than %s\n", len(rep.Hosts)+len(rep.Plain), ok, failed, errs, rep.ExpiryWithin)
	return b.Flush()
}

func tlsCounts(rep tlsReport) (ok, failed, errs int) {
	for _, r := range rep.Hosts {
		switch {
		case r.Err != "":
			errs++
		case r.OK():
			ok++
		default:
			failed++
		}
	}
	return ok, failed + len(rep.Plain), errs
}

// tlsExit: 1 when a host failed, else 3 when one could not be checked or
// webhook URLs could not all be read, else 0.
func tlsExit(rep tlsReport, incompleteList bool) error {
	_, failed, errs := tlsCounts(rep)
	switch {
	case failed > 0:
		return found()
	case errs > 0 || incompleteList:
		return incomplete()
	}
	return nil
}
