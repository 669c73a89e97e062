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

	"github.com/vigilsec/vigil/twilio"
)

// Kind is what went wrong with a Twilio request: twilio.Kind, named here
// too so that callers of Classify read it in one place.
type Kind = twilio.Kind

// Kinds of failure (see twilio.Kind).
const (
	KindUnknown          = twilio.KindUnknown
	KindAuth             = twilio.KindAuth
	KindSuspended        = twilio.KindSuspended
	KindPermission       = twilio.KindPermission
	KindClientValidation = twilio.KindClientValidation
	KindNotFound         = twilio.KindNotFound
	KindInvalid          = twilio.KindInvalid
	KindRateLimited      = twilio.KindRateLimited
	KindServer           = twilio.KindServer
	KindTimeout          = twilio.KindTimeout
	KindNetwork          = twilio.KindNetwork
	KindTLS              = twilio.KindTLS
	KindBadResponse      = twilio.KindBadResponse
	KindCanceled         = twilio.KindCanceled
)

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
func (e *Error) Definitive() bool { return e.Kind.Definitive() }

// Temporary reports whether retrying later may succeed.
func (e *Error) Temporary() bool { return e.Kind.Temporary() }

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
		e.Kind = twilio.KindOf(e.Status, e.Code)
	case errors.As(err, &v1):
		e.Status, e.Code, e.Message = v1.HttpStatusCode, v1.Code, v1.Message
		e.Kind = twilio.KindOf(e.Status, e.Code)
	default:
		e.Kind = transportKind(err)
		if m := statusInWrap.FindStringSubmatch(err.Error()); m != nil {
			// An error status whose body was not Twilio's JSON.
			e.Status, _ = strconv.Atoi(m[1])
			e.Kind = twilio.KindOf(e.Status, 0)
		}
	}
	return e
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
