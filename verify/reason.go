package verify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"syscall"

	"github.com/vigilsec/vigil"
)

// Reasons an answer is not definitive. They are a fixed vocabulary: a
// transport error's own text can hold a URL, and URLs can hold tokens.
const (
	ReasonTimeout     = "timeout"
	ReasonCanceled    = "canceled"
	ReasonTLS         = "TLS error"
	ReasonReset       = "connection reset"
	ReasonRefused     = "connection refused"
	ReasonDNS         = "DNS lookup failed"
	ReasonNetwork     = "network error"
	ReasonBody        = "unexpected body"
	ReasonTooLarge    = "response too large"
	ReasonUndeclared  = "endpoint not declared by the verifier"
	ReasonMissingPart = "missing part"
)

var (
	errUndeclared = errors.New(ReasonUndeclared)
	errTooLarge   = errors.New(ReasonTooLarge)
)

// reasonFor names a transport failure without quoting it.
func reasonFor(err error) string {
	var netErr net.Error
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	var recErr tls.RecordHeaderError
	var alert tls.AlertError
	switch {
	case errors.Is(err, errUndeclared):
		return ReasonUndeclared
	case errors.Is(err, errTooLarge):
		return ReasonTooLarge
	case errors.Is(err, context.Canceled):
		return ReasonCanceled
	case errors.Is(err, context.DeadlineExceeded):
		return ReasonTimeout
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr),
		errors.As(err, &invalidCert), errors.As(err, &recErr), errors.As(err, &alert):
		return ReasonTLS
	case errors.As(err, &dnsErr):
		return ReasonDNS
	case errors.As(err, &netErr) && netErr.Timeout():
		return ReasonTimeout
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.EPIPE):
		return ReasonReset
	case errors.Is(err, syscall.ECONNREFUSED):
		return ReasonRefused
	}
	return ReasonNetwork
}

// Valid is a live credential with what it reaches.
func Valid(facts map[string]string) vigil.Verdict {
	for k, v := range facts {
		if v == "" {
			delete(facts, k)
		}
	}
	if len(facts) == 0 {
		facts = nil
	}
	return vigil.Verdict{Status: vigil.Valid, Facts: facts}
}

// Invalid is a definitive refusal.
func Invalid(reason string) vigil.Verdict {
	return vigil.Verdict{Status: vigil.Invalid, Reason: reason}
}

// Unknown is anything that is not a definitive answer.
func Unknown(reason string) vigil.Verdict {
	return vigil.Verdict{Status: vigil.Unknown, Reason: reason}
}

// Failed is the verdict of a request that got no answer.
func Failed(err error) vigil.Verdict { return Unknown(reasonFor(err)) }

// NotVerifiable is the verdict of a credential that cannot be asked about
// as found (a part is missing): no request is made.
func NotVerifiable(reason string) vigil.Verdict {
	return vigil.Verdict{Status: vigil.NotVerified, Reason: reason}
}

// statusReason is "HTTP 503" (with the Retry-After of a 429).
func statusReason(r *Response) string {
	s := "HTTP " + strconv.Itoa(r.Status)
	if r.Status == http.StatusTooManyRequests {
		if ra := r.Header.Get("Retry-After"); ra != "" {
			s += fmt.Sprintf(" (retry after %s)", clip(ra, 40))
		}
	}
	return s
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
