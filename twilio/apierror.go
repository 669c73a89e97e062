package twilio

import (
	"encoding/json"
	"strconv"
)

// Twilio error codes vigil tells apart (shared/reference/twilio.md §2.2).
const (
	CodeAuthentication   = 20003 // 401: wrong, deleted or out-of-reach credential
	CodeForbidden        = 20403 // 403: account suspended or closed
	CodeNotFound         = 20404 // 404
	CodeTooManyRequests  = 20429 // 429
	CodeAuthorization    = 70051 // a Restricted key's policy lacks the permission
	CodeClientValidation = 70052 // the account enforces Public Key Client Validation
)

// Kind is what an answer from Twilio, or the lack of one, says about a
// request.
type Kind int

// Kinds. Auth, Suspended, Permission, ClientValidation, NotFound and
// Invalid are Twilio's own answers; the others say nothing about the
// credential or the request.
const (
	KindUnknown          Kind = iota
	KindAuth                  // 20003 (or a 401 in Twilio's error body): wrong, deleted or out-of-reach credential
	KindSuspended             // 20403: account suspended or closed
	KindPermission            // 70051: a Restricted key's policy lacks the permission
	KindClientValidation      // 70052: the account enforces Public Key Client Validation
	KindNotFound              // 20404 or 404
	KindInvalid               // another 4xx with Twilio's error body: the request was wrong
	KindRateLimited           // 429 or 20429
	KindServer                // 5xx
	KindTimeout               // no answer in time
	KindNetwork               // connection refused, reset, DNS
	KindTLS                   // certificate or handshake failure
	KindBadResponse           // an answer that is not Twilio's (no error body, not JSON, a redirect)
	KindCanceled              // the caller's context ended
)

var kindNames = [...]string{"unknown", "auth", "suspended", "permission", "client-validation", "not-found",
	"invalid", "rate-limited", "server", "timeout", "network", "tls", "bad-response", "canceled"}

// String names the kind, e.g. "rate-limited".
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Definitive reports whether the kind is Twilio's own answer, which can be
// trusted (a credential is invalid, a key is gone). Timeouts, resets, 429,
// 5xx and answers that are not Twilio's are not.
func (k Kind) Definitive() bool {
	switch k {
	case KindAuth, KindSuspended, KindPermission, KindClientValidation, KindNotFound, KindInvalid:
		return true
	}
	return false
}

// Authenticated reports whether Twilio gives this answer only after the
// credential authenticated: a suspended account, a Restricted key without
// the permission, an account that enforces client validation.
func (k Kind) Authenticated() bool {
	return k == KindSuspended || k == KindPermission || k == KindClientValidation
}

// Temporary reports whether retrying later may succeed.
func (k Kind) Temporary() bool {
	switch k {
	case KindRateLimited, KindServer, KindTimeout, KindNetwork, KindBadResponse:
		return true
	}
	return false
}

// KindOf classifies an answer that is not a success. status is the HTTP
// status; code is the code of Twilio's JSON error body, 0 when the answer
// held none. A 3xx or 4xx without Twilio's error body is not Twilio's
// answer (a proxy's, a captive portal's): KindBadResponse. A 2xx is
// KindUnknown: it is not an error.
func KindOf(status, code int) Kind {
	switch {
	case status >= 200 && status < 300:
		return KindUnknown
	case status == 429 || code == CodeTooManyRequests:
		return KindRateLimited
	case status >= 500:
		return KindServer
	case code == 0:
		return KindBadResponse
	case code == CodeAuthentication:
		return KindAuth
	case code == CodeForbidden:
		return KindSuspended
	case code == CodeAuthorization:
		return KindPermission
	case code == CodeClientValidation:
		return KindClientValidation
	case code == CodeNotFound || status == 404:
		return KindNotFound
	case status == 401:
		return KindAuth
	case status >= 400:
		return KindInvalid
	}
	return KindBadResponse
}

// ErrorBody is Twilio's JSON error document:
// {"code":20003,"message":"…","more_info":"…","status":401}.
type ErrorBody struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

// ParseErrorBody reads Twilio's error document; ok is false when body is
// not one (not JSON, or no code).
func ParseErrorBody(body []byte) (e ErrorBody, ok bool) {
	if json.Unmarshal(body, &e) != nil || e.Code == 0 {
		return ErrorBody{}, false
	}
	return e, true
}
