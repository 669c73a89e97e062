package webhook

import (
	"errors"
	"net/http"
)

// Why a request was refused. Errors returned by Validator wrap one of these;
// test them with errors.Is.
var (
	ErrMissingSignature   = errors.New("missing X-Twilio-Signature header")
	ErrDuplicateSignature = errors.New("more than one X-Twilio-Signature header")
	ErrMalformed          = errors.New("malformed request")
	ErrBodyTooLarge       = errors.New("request body too large")
	ErrUnsignedBody       = errors.New("body is neither form-encoded nor covered by bodySHA256")
	ErrBodyHash           = errors.New("body does not match bodySHA256")
	ErrSignature          = errors.New("signature does not match")
	ErrNoToken            = errors.New("no Auth Token configured")
)

// refusal is how a refused request is answered: the sentinel error the
// refusal wraps, the status to answer it with and a short label for logs
// and metrics.
type refusal struct {
	sentinel error
	status   int
	label    string
}

// classify returns the refusal err stands for.
func classify(err error) refusal {
	switch {
	case errors.Is(err, ErrMissingSignature):
		return refusal{ErrMissingSignature, http.StatusBadRequest, "missing_signature"}
	case errors.Is(err, ErrDuplicateSignature):
		return refusal{ErrDuplicateSignature, http.StatusBadRequest, "duplicate_signature"}
	case errors.Is(err, ErrUnsignedBody):
		return refusal{ErrUnsignedBody, http.StatusBadRequest, "unsigned_body"}
	case errors.Is(err, ErrBodyTooLarge):
		return refusal{ErrBodyTooLarge, http.StatusRequestEntityTooLarge, "body_too_large"}
	case errors.Is(err, ErrBodyHash):
		return refusal{ErrBodyHash, http.StatusForbidden, "body_hash"}
	case errors.Is(err, ErrSignature):
		return refusal{ErrSignature, http.StatusForbidden, "bad_signature"}
	case errors.Is(err, ErrNoToken):
		return refusal{ErrNoToken, http.StatusInternalServerError, "no_token"}
	case errors.Is(err, ErrMalformed):
		return refusal{ErrMalformed, http.StatusBadRequest, "malformed"}
	}
	return refusal{ErrMalformed, http.StatusBadRequest, "error"}
}

// StatusCode is the HTTP status to answer a refused request with: 400 for
// a missing, duplicated or malformed signature or body, 413 for an
// oversized body, 403 for a signature or body hash that does not match, 500
// when no token is configured. It returns 200 for a nil error.
func StatusCode(err error) int {
	if err == nil {
		return http.StatusOK
	}
	return classify(err).status
}

// Reason is a short stable label for why err refused a request
// ("bad_signature", "missing_signature", …), for logs and metrics: "ok"
// for nil and "error" for an error this package did not make.
func Reason(err error) string {
	if err == nil {
		return "ok"
	}
	return classify(err).label
}

// publicError is the sentinel err wraps, whose text is safe to send back
// to the client; details (which may quote the request) stay server-side.
func publicError(err error) error {
	return classify(err).sentinel
}
