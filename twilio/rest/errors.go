package rest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"syscall"

	twclient "github.com/twilio/twilio-go/client"
)

// Kind is what went wrong with a Twilio request.
type Kind int

// Kinds of failure. Auth, Suspended, Permission, ClientValidation,
// NotFound and Invalid are Twilio's own answers; the others are not
// answers about the credential at all.
const (
	KindUnknown          Kind = iota
	KindAuth                  // 401/20003: wrong, deleted or out-of-reach credential
	KindSuspended             // 403/20403: account suspended or closed
	KindPermission            // 70051: a Restricted key's policy lacks the permission
	KindClientValidation      // 70052: the account enforces Public Key Client Validation
	KindNotFound              // 404/20404
	KindInvalid               // another 4xx: the request was wrong
	KindRateLimited           // 429
	KindServer                // 5xx
	KindTimeout               // no answer in time
	KindNetwork               // connection refused, reset, DNS
	KindTLS                   // certificate or handshake failure
	KindBadResponse           // an answer that is not Twilio's JSON
	KindCanceled              // the caller's context ended
)

var kindNames = [...]string{"unknown", "auth", "suspended", "permission", "client-validation", "not-found",
	"invalid", "rate-limited", "server", "timeout", "network", "tls", "bad-response", "canceled"}

// String names the kind, e.g. "rate-limited".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Error is a failed Twilio request, classified.
type Error struct {
	Op      string // what vigil was doing, e.g. "fetch account"
	Kind    Kind
	Status  int    // HTTP status, 0 when there was no answer
	Code    int    // Twilio error code, 0 when none
	Message string // Twilio's message, or the transport's
	Err     error  // the underlying error
}

// Error describes the failure without any credential.
func (e *Error) Error() string {
	switch {
	case e.Code != 0:
		return fmt.Sprintf("%s: twilio %d/%d: %s", e.Op, e.Status, e.Code, e.Message)
	case e.Status != 0:
		return fmt.Sprintf("%s: twilio HTTP %d: %s", e.Op, e.Status, e.Message)
	}
	return fmt.Sprintf("%s: %s: %v", e.Op, e.Kind, e.Err)
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Definitive reports whether Twilio itself answered about the request, so
// that the answer can be trusted (a credential is invalid, a key is gone).
// Timeouts, resets, 429, 5xx and unreadable bodies are not definitive.
func (e *Error) Definitive() bool {
	switch e.Kind {
	case KindAuth, KindSuspended, KindPermission, KindClientValidation, KindNotFound, KindInvalid:
		return true
	}
	return false
}

// Temporary reports whether retrying later may succeed.
func (e *Error) Temporary() bool {
	switch e.Kind {
	case KindRateLimited, KindServer, KindTimeout, KindNetwork, KindBadResponse:
		return true
	}
	return false
}

// statusInWrap finds the status twilio-go names when an error body was not
// JSON ("error decoding the response for an HTTP error code: 502").
var statusInWrap = regexp.MustCompile(`HTTP error code: (\d{3})`)

// Classify maps an error from twilio-go (or from a transport) to *Error.
// It returns nil for nil, and an *Error already classified unchanged.
func Classify(op string, err error) *Error {
	if err == nil {
		return nil
	}
	var done *Error
	if errors.As(err, &done) {
		return done
	}
	e := &Error{Op: op, Err: err, Message: err.Error()}
	var tre *twclient.TwilioRestError
	var v1 *twclient.RestErrorV1
	switch {
	case errors.As(err, &tre):
		e.Status, e.Code, e.Message = tre.Status, tre.Code, tre.Message
		e.Kind = kindOf(e.Status, e.Code)
	case errors.As(err, &v1):
		e.Status, e.Code, e.Message = v1.HttpStatusCode, v1.Code, v1.Message
		e.Kind = kindOf(e.Status, e.Code)
	default:
		e.Kind = transportKind(err)
		if m := statusInWrap.FindStringSubmatch(err.Error()); m != nil {
			e.Status, _ = strconv.Atoi(m[1])
			e.Kind = kindOf(e.Status, 0)
			if e.Kind == KindInvalid || e.Kind == KindAuth || e.Kind == KindNotFound || e.Kind == KindSuspended {
				e.Kind = KindBadResponse // a 4xx without Twilio's body is not Twilio's answer
			}
		}
	}
	return e
}

// kindOf classifies a Twilio answer.
func kindOf(status, code int) Kind {
	switch {
	case code == 20003:
		return KindAuth
	case code == 20403:
		return KindSuspended
	case code == 70051:
		return KindPermission
	case code == 70052:
		return KindClientValidation
	case status == 401:
		return KindAuth
	case status == 403:
		return KindSuspended
	case status == 404 || code == 20404:
		return KindNotFound
	case status == 429 || code == 20429:
		return KindRateLimited
	case status >= 500:
		return KindServer
	case status >= 400:
		return KindInvalid
	}
	return KindUnknown
}

// transportKind classifies an error that came without a Twilio answer.
func transportKind(err error) Kind {
	var netErr net.Error
	var urlErr *url.Error
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recErr tls.RecordHeaderError
	switch {
	case errors.Is(err, context.Canceled):
		return KindCanceled
	case errors.Is(err, context.DeadlineExceeded):
		return KindTimeout
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr), errors.As(err, &recErr):
		return KindTLS
	case errors.As(err, &netErr) && netErr.Timeout():
		return KindTimeout
	case errors.As(err, &urlErr), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED):
		return KindNetwork // the request got no answer
	case errors.As(err, &syntax), errors.As(err, &typeErr), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return KindBadResponse // an answer that ended early or is not JSON
	}
	return KindUnknown
}
