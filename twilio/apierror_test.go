package twilio_test

import (
	"testing"

	"github.com/vigilsec/vigil/twilio"
)

func TestKindOf(t *testing.T) {
	tests := []struct {
		name         string
		status, code int
		want         twilio.Kind
		definitive   bool
	}{
		{"success", 200, 0, twilio.KindUnknown, false},
		{"wrong credential", 401, 20003, twilio.KindAuth, true},
		{"20003 without a status in the body", 0, 20003, twilio.KindAuth, true},
		{"401 with another Twilio code", 401, 20151, twilio.KindAuth, true},
		{"401 without Twilio's body: a proxy", 401, 0, twilio.KindBadResponse, false},
		{"suspended", 403, 20403, twilio.KindSuspended, true},
		{"403 with another code is not a suspension", 403, 20008, twilio.KindInvalid, true},
		{"403 without Twilio's body", 403, 0, twilio.KindBadResponse, false},
		{"restricted key", 403, 70051, twilio.KindPermission, true},
		{"client validation (401)", 401, 70052, twilio.KindClientValidation, true},
		{"not found", 404, 20404, twilio.KindNotFound, true},
		{"bad parameter", 400, 20001, twilio.KindInvalid, true},
		{"rate limited", 429, 20429, twilio.KindRateLimited, false},
		{"rate limited without a body", 429, 0, twilio.KindRateLimited, false},
		{"server error with a body", 503, 20503, twilio.KindServer, false},
		{"server error without a body", 502, 0, twilio.KindServer, false},
		{"redirect", 302, 0, twilio.KindBadResponse, false},
	}
	for _, tt := range tests {
		got := twilio.KindOf(tt.status, tt.code)
		if got != tt.want || got.Definitive() != tt.definitive {
			t.Errorf("%s: KindOf(%d, %d) = %s (definitive %v), want %s (%v)", tt.name, tt.status, tt.code, got, got.Definitive(), tt.want, tt.definitive)
		}
	}
	if !twilio.KindPermission.Authenticated() || twilio.KindAuth.Authenticated() {
		t.Error("Authenticated: only answers given to a genuine credential")
	}
	if twilio.Kind(99).String() != "kind(99)" || twilio.KindRateLimited.String() != "rate-limited" {
		t.Error("Kind names")
	}
}

func TestParseErrorBody(t *testing.T) {
	e, ok := twilio.ParseErrorBody([]byte(`{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}`))
	if !ok || e.Code != 20003 || e.Status != 401 || e.Message != "Authenticate" {
		t.Errorf("got %+v %v", e, ok)
	}
	for _, body := range []string{"", "<html>", `{"message":"no code"}`, `{"code":"20003"}`, `[]`} {
		if _, ok := twilio.ParseErrorBody([]byte(body)); ok {
			t.Errorf("%q read as Twilio's error body", body)
		}
	}
}
