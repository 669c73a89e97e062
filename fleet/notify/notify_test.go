package notify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func message() Message {
	var m Message
	m.Event, m.Delivery = "incident.live", "incident-7-live-1"
	m.Incident.ID, m.Incident.Rule, m.Incident.Secret = 7, "github-pat", "ghp_****(40)"
	m.Incident.Occurrences = []Occurrence{{Repository: "acme/app", Commit: "0123456789abcdef", Path: ".env", Line: 3}}
	return m
}

// TestWebhookSignedAndRetried: the receiver checks the signature with the
// shared key; two 503s are retried, a third answer succeeds.
func TestWebhookSignedAndRetried(t *testing.T) {
	key := []byte("shared-key")
	var calls atomic.Int32
	var got Message
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !Verify(key, r.Header.Get("X-Vigil-Timestamp"), body, r.Header.Get("X-Vigil-Signature")) {
			t.Errorf("bad signature %q", r.Header.Get("X-Vigil-Signature"))
		}
		if calls.Add(1) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		if err := json.Unmarshal(body, &got); err != nil {
			t.Error(err)
		}
	}))
	defer srv.Close()
	s := &Sender{Backoff: time.Millisecond}
	if err := s.Send(context.Background(), Target{Name: "hook", Type: "webhook", URL: srv.URL, Key: key}, message()); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 3 || got.Incident.ID != 7 || got.Delivery != "incident-7-live-1" {
		t.Errorf("calls %d, got %+v", calls.Load(), got)
	}
	if Verify([]byte("other"), "1", []byte("{}"), Sign(key, "1", []byte("{}"))) {
		t.Error("a signature verified under another key")
	}
}

func TestSlackAndPermanentFailure(t *testing.T) {
	var text string
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Path == "/gone" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		var body map[string]string
		_ = json.NewDecoder(r.Body).Decode(&body)
		text = body["text"]
	}))
	defer srv.Close()
	s := &Sender{Backoff: time.Millisecond}
	if err := s.Send(context.Background(), Target{Name: "slack", Type: "slack", URL: srv.URL + "/hook"}, message()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "acme/app .env:3 @0123456789ab") || !strings.Contains(text, "ghp_****(40)") {
		t.Errorf("slack text %q", text)
	}
	calls.Store(0)
	err := s.Send(context.Background(), Target{Name: "slack", Type: "slack", URL: srv.URL + "/gone"}, message())
	if err == nil || calls.Load() != 1 {
		t.Errorf("404: %v after %d calls, want one call and an error", err, calls.Load())
	}
	err = s.Send(context.Background(), Target{Name: "slack", Type: "slack", URL: "http://127.0.0.1:1/T000/B000/XXXX"}, message())
	if err == nil || strings.Contains(err.Error(), "XXXX") {
		t.Errorf("unreachable: %v (must not show the URL)", err)
	}
}
