package twiliotest

import (
	"fmt"
	"slices"
	"time"
)

// Event is a Monitor event as the emulator holds it.
type Event struct {
	SID          string
	AccountSID   string
	Type         string
	Date         time.Time
	Source       string
	ActorType    string
	ActorSID     string
	IP           string
	ResourceSID  string
	ResourceType string
	Data         map[string]any
}

// Account returns an account's current state, with its credentials.
func (e *Emulator) Account(sid string) (AccountInfo, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.accounts[sid]
	if a == nil {
		return AccountInfo{}, false
	}
	return e.infoLocked(a), true
}

// Accounts returns every account in creation order.
func (e *Emulator) Accounts() []AccountInfo {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]AccountInfo, 0, len(e.order))
	for _, sid := range e.order {
		out = append(out, e.infoLocked(e.accounts[sid]))
	}
	return out
}

// Key returns an API key, if it exists (a deleted key does not).
func (e *Emulator) Key(sid string) (KeyInfo, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	k := e.keys[sid]
	if k == nil {
		return KeyInfo{}, false
	}
	return keyInfo(k), true
}

// Events returns an account's Monitor events, oldest first.
func (e *Emulator) Events(accountSID string) []Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.accounts[accountSID]
	if a == nil {
		return nil
	}
	out := make([]Event, 0, len(a.events))
	for _, ev := range a.events {
		out = append(out, Event{
			SID: ev.sid, AccountSID: ev.accountSID, Type: ev.typ, Date: ev.date, Source: ev.source,
			ActorType: ev.actorType, ActorSID: ev.actorSID, IP: ev.ip, ResourceSID: ev.resourceSID,
			ResourceType: ev.resourceTyp, Data: ev.data,
		})
	}
	return out
}

// AddEvents appends Monitor events to an account, as if they had happened
// (dates relative to the emulator's clock).
func (e *Emulator) AddEvents(accountSID string, evs ...EventSeed) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.accounts[accountSID]
	if a == nil {
		return fmt.Errorf("twiliotest: no account %s", accountSID)
	}
	now := e.Now()
	for _, ev := range evs {
		if ev.Type == "" {
			return fmt.Errorf("twiliotest: an event needs a type")
		}
		e.appendEvent(a, e.seedEvent(a, ev, now))
	}
	return nil
}

// SetStatus changes an account's status (active, suspended, closed)
// without recording an event, as Twilio's own suspensions do.
func (e *Emulator) SetStatus(accountSID, status string) error {
	if !slices.Contains([]string{"active", "suspended", "closed"}, status) {
		return fmt.Errorf("twiliotest: status %q: want active, suspended or closed", status)
	}
	return e.withAccount(accountSID, func(a *account) { a.status = status })
}

// SetClientValidation turns enforcement of Public Key Client Validation
// on or off (a Console setting, not in the API).
func (e *Emulator) SetClientValidation(accountSID string, enforce bool) error {
	return e.withAccount(accountSID, func(a *account) { a.pkcv = enforce })
}

func (e *Emulator) withAccount(sid string, f func(*account)) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.accounts[sid]
	if a == nil {
		return fmt.Errorf("twiliotest: no account %s", sid)
	}
	f(a)
	return nil
}
