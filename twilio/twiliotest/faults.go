package twiliotest

import (
	"fmt"
	"net/http"
	"path"
	"strconv"
	"time"
)

// FaultKind is what a fault does to a request.
type FaultKind int

// Fault kinds.
const (
	NoFault        FaultKind = iota
	FaultStatus              // answer Fault.Status with a Twilio error body (401, 5xx, …)
	FaultRateLimit           // answer 429/20429 with Retry-After
	FaultSlow                // wait Fault.Delay, then answer normally
	FaultHang                // never answer: hold the request until the client gives up or the emulator closes
	FaultReset               // close the connection without an answer
	FaultGarbage             // answer Fault.Status (default 200) with a body that is not JSON
)

// String names the kind, e.g. "rate-limit".
func (k FaultKind) String() string {
	return [...]string{"", "status", "rate-limit", "slow", "hang", "reset", "garbage"}[k]
}

// passesThrough reports whether the request is answered normally after
// the fault (FaultSlow).
func (k FaultKind) passesThrough() bool { return k == FaultSlow }

// Phase is when a fault strikes.
type Phase int

const (
	// BeforeHandling faults strike before the request reaches the state:
	// nothing changes.
	BeforeHandling Phase = iota
	// AfterHandling faults strike after the state changed: the change is
	// made (a key is created, a token promoted) but the client never sees
	// the answer. Use them to test "did my request go through?" handling.
	AfterHandling
)

// Fault is a programmed failure. Empty match fields match everything.
type Fault struct {
	Kind FaultKind
	// Host is a product host (HostAPI, …) or "" for all.
	Host string
	// Method is an HTTP method or "" for all.
	Method string
	// Path is a path.Match pattern on the request path, such as
	// "/v1/Keys/*" or "/2010-04-01/Accounts/*/Keys.json"; "" for all.
	Path string
	// Username is the credential SID (AC… or SK…) the request
	// authenticates as, or "" for all.
	Username string
	// Skip lets this many matching requests through before striking.
	Skip int
	// Times strikes this many times, then the fault is spent; 0 is always.
	Times int
	// Phase is BeforeHandling (default) or AfterHandling.
	Phase Phase

	Status     int           // FaultStatus and FaultGarbage: the HTTP status
	Code       int           // FaultStatus: the Twilio error code (default: by status)
	RetryAfter time.Duration // FaultRateLimit: the Retry-After header (default 1s)
	Delay      time.Duration // FaultSlow: how long to wait
	Body       string        // FaultGarbage: the body (default: truncated JSON)
}

// FaultHandle is an injected fault.
type FaultHandle struct {
	e     *Emulator
	f     Fault
	kind  FaultKind
	seen  int
	hits  int
	spent bool
}

// Inject programs a fault and returns its handle.
func (e *Emulator) Inject(f Fault) *FaultHandle {
	h := &FaultHandle{e: e, f: f, kind: f.Kind}
	e.mu.Lock()
	e.faults = append(e.faults, h)
	e.mu.Unlock()
	return h
}

// Hits is how many times the fault struck.
func (h *FaultHandle) Hits() int {
	h.e.mu.Lock()
	defer h.e.mu.Unlock()
	return h.hits
}

// Remove stops the fault.
func (h *FaultHandle) Remove() {
	h.e.mu.Lock()
	defer h.e.mu.Unlock()
	h.spent = true
}

// ClearFaults removes every fault.
func (e *Emulator) ClearFaults() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, h := range e.faults {
		h.spent = true
	}
	e.faults = nil
}

// matchFault returns the first live fault for this request and phase,
// counting it.
func (e *Emulator) matchFault(r *http.Request, req Request, phase Phase) *FaultHandle {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, h := range e.faults {
		f := h.f
		if h.spent || f.Phase != phase {
			continue
		}
		if (f.Host != "" && f.Host != req.Host) || (f.Method != "" && f.Method != r.Method) ||
			(f.Username != "" && f.Username != req.Username) {
			continue
		}
		if f.Path != "" {
			if ok, _ := path.Match(f.Path, r.URL.Path); !ok {
				continue
			}
		}
		h.seen++
		if h.seen <= f.Skip {
			continue
		}
		h.hits++
		if f.Times > 0 && h.hits >= f.Times {
			h.spent = true
		}
		return h
	}
	return nil
}

// wait sleeps for a FaultSlow fault; false if the client went away first.
func (h *FaultHandle) wait(r *http.Request, closed <-chan struct{}) bool {
	t := time.NewTimer(h.f.Delay)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-closed:
		return true
	}
}

// apply answers the request as the fault says and returns the status the
// client saw (0 for none).
func (h *FaultHandle) apply(w http.ResponseWriter, r *http.Request, closed <-chan struct{}) int {
	f := h.f
	switch h.kind {
	case FaultStatus:
		status := f.Status
		if status == 0 {
			status = 500
		}
		rec := &recorder{header: http.Header{}}
		rec.writeError(newError(status, codeFor(status, f.Code), http.StatusText(status)))
		rec.flush(w)
		return status
	case FaultRateLimit:
		retry := f.RetryAfter
		if retry <= 0 {
			retry = time.Second
		}
		return writeRateLimited(w, retry)
	case FaultHang:
		select {
		case <-r.Context().Done():
		case <-closed:
		}
		return 0
	case FaultReset:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return 0
			}
		}
		panic(http.ErrAbortHandler) // HTTP/2 or a recorder: abort the stream
	case FaultGarbage:
		status := f.Status
		if status == 0 {
			status = 200
		}
		body := f.Body
		if body == "" {
			body = `{"sid": "AC` // truncated JSON
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
		return status
	}
	return 0
}

// writeRateLimited answers 429/20429 with Retry-After in whole seconds.
func writeRateLimited(w http.ResponseWriter, retry time.Duration) int {
	secs := max(int((retry+time.Second-1)/time.Second), 1)
	rec := &recorder{header: http.Header{}}
	rec.header.Set("Retry-After", strconv.Itoa(secs))
	rec.writeError(newError(429, CodeTooManyRequests, "Too Many Requests"))
	rec.flush(w)
	return 429
}

// codeFor picks the Twilio code that goes with an HTTP status.
func codeFor(status, code int) int {
	if code != 0 {
		return code
	}
	switch status {
	case 400:
		return CodeInvalidParameter
	case 401:
		return CodeAuthentication
	case 403:
		return CodeForbidden
	case 404:
		return CodeNotFound
	case 429:
		return CodeTooManyRequests
	case 503:
		return CodeUnavailable
	}
	if status >= 500 {
		return CodeInternal
	}
	return status * 100
}

// String describes the fault for test failure messages.
func (f Fault) String() string {
	return fmt.Sprintf("%s fault on %s %s%s (user %q)", f.Kind, orDefault(f.Method, "*"), f.Host, orDefault(f.Path, "/*"), f.Username)
}
