package twiliotest

import (
	"fmt"
	"time"

	"github.com/vigilsec/vigil"
)

// AccountInfo describes an account in the emulator, with its credentials.
type AccountInfo struct {
	Name               string // the seed's label
	SID                string
	FriendlyName       string
	OwnerSID           string // the parent for a subaccount, else SID
	Status             string
	Type               string
	AuthToken          vigil.Secret
	SecondaryAuthToken vigil.Secret // zero when there is none
	Keys               []KeyInfo
}

// IsSubaccount reports whether the account belongs to another.
func (a AccountInfo) IsSubaccount() bool { return a.OwnerSID != a.SID }

// KeyInfo describes an API key, with its secret.
type KeyInfo struct {
	SID          string
	AccountSID   string
	FriendlyName string
	Type         KeyType
	Policy       []string
	Secret       vigil.Secret
	Created      time.Time
}

// Apply adds a seed's accounts to the emulator and returns them, main
// accounts each followed by their subaccounts. Nothing is added when the
// seed is invalid; the error names the offending entry.
func (e *Emulator) Apply(s *Seed) ([]AccountInfo, error) {
	faults := make([]Fault, 0, len(s.Faults))
	for i, fs := range s.Faults {
		f, err := fs.Fault()
		if err != nil {
			return nil, fmt.Errorf("seed: faults[%d]: %w", i, err)
		}
		faults = append(faults, f)
	}
	out, err := e.applyAccounts(s)
	if err != nil {
		return nil, err
	}
	for _, f := range faults {
		e.Inject(f)
	}
	return out, nil
}

func (e *Emulator) applyAccounts(s *Seed) ([]AccountInfo, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.validateSeed(s); err != nil {
		return nil, err
	}
	now := e.Now()
	var out []AccountInfo
	for _, as := range s.Accounts {
		a := e.seedAccountLocked(as, "", now)
		out = append(out, e.infoLocked(a))
		for _, sub := range a.subs {
			out = append(out, e.infoLocked(e.accounts[sub]))
		}
	}
	return out, nil
}

// AddAccount adds one main account (with its subaccounts, keys and
// resources) and returns it. It panics on an invalid seed: it is meant for
// tests, whose seeds are literals.
func (e *Emulator) AddAccount(s AccountSeed) AccountInfo {
	infos, err := e.Apply(&Seed{Accounts: []AccountSeed{s}})
	if err != nil {
		panic("twiliotest: AddAccount: " + err.Error())
	}
	return infos[0]
}

// AddSubaccount adds a subaccount to an existing main account.
func (e *Emulator) AddSubaccount(parentSID string, s AccountSeed) (AccountInfo, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.accounts[parentSID]
	if p == nil || p.isSub() {
		return AccountInfo{}, fmt.Errorf("twiliotest: %s is not a main account of this emulator", parentSID)
	}
	if len(s.Subaccounts) > 0 {
		return AccountInfo{}, fmt.Errorf("twiliotest: a subaccount cannot have subaccounts")
	}
	if err := e.validateAccount(s, "subaccount", map[string]bool{}); err != nil {
		return AccountInfo{}, err
	}
	a := e.seedAccountLocked(s, p.sid, e.Now())
	return e.infoLocked(a), nil
}

// AddKey adds an API key to an account and returns it with its secret.
func (e *Emulator) AddKey(accountSID string, s KeySeed) (KeyInfo, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.accounts[accountSID]
	if a == nil {
		return KeyInfo{}, fmt.Errorf("twiliotest: no account %s", accountSID)
	}
	if err := e.validateKey(s, "key", map[string]bool{}); err != nil {
		return KeyInfo{}, err
	}
	return keyInfo(e.addKeyLocked(a, s, e.Now())), nil
}

// seedAccountLocked creates an account from a validated seed.
func (e *Emulator) seedAccountLocked(s AccountSeed, parent string, now time.Time) *account {
	a := e.addAccountLocked(s, parent, now)
	for _, k := range s.Keys {
		e.addKeyLocked(a, k, now)
	}
	for _, n := range s.IncomingPhoneNumbers {
		a.numbers = append(a.numbers, e.newResource(n.SID, "PN", n.Created, now, numberFields(n)))
	}
	for _, ap := range s.Applications {
		a.apps = append(a.apps, e.newResource(ap.SID, "AP", ap.Created, now, appFields(ap)))
	}
	for _, m := range s.MessagingServices {
		a.messaging = append(a.messaging, e.newResource(m.SID, "MG", m.Created, now, messagingFields(m)))
	}
	for _, v := range s.VerifyServices {
		a.verify = append(a.verify, e.newResource(v.SID, "VA", v.Created, now, verifyFields(v)))
	}
	for _, t := range s.UsageTriggers {
		e.addTriggerLocked(a, t, now)
	}
	for _, p := range s.PublicKeys {
		e.addPublicKeyLocked(a, p, now)
	}
	a.countries = countries(s.DialingPermissions)
	a.dialingInheritance = parent != ""
	if s.DialingPermissions != nil && s.DialingPermissions.Inheritance != nil {
		a.dialingInheritance = *s.DialingPermissions.Inheritance
	}
	for _, u := range s.Usage {
		a.usage = append(a.usage, usageEntries(u, now)...)
	}
	for _, al := range s.Alerts {
		a.alerts = append(a.alerts, e.alerts(al, now)...)
	}
	sortAlerts(a.alerts)
	for _, ev := range s.Events {
		e.appendEvent(a, e.seedEvent(a, ev, now))
	}
	for _, sub := range s.Subaccounts {
		e.seedAccountLocked(sub, a.sid, now)
	}
	return a
}

// addAccountLocked creates a bare account.
func (e *Emulator) addAccountLocked(s AccountSeed, parent string, now time.Time) *account {
	sid := orNew(s.SID, func() string { return e.newSID("AC") })
	created := s.Created.resolve(now)
	a := &account{
		sid: sid, name: s.Name, friendly: orDefault(s.FriendlyName, "My account"),
		status: orDefault(s.Status, "active"), typ: normalizeType(s.Type), owner: sid,
		token: orNew(s.AuthToken, e.newToken), secondary: s.SecondaryAuthToken,
		pkcv: s.EnforceClientValidation, balance: orDefault(s.Balance, "0.00"),
		currency: orDefault(s.Currency, "USD"), created: created, updated: created,
		countries: countries(nil),
	}
	if a.name == "" {
		a.name = a.friendly
	}
	if a.secondary != "" {
		a.secondaryCreated = created
	}
	if parent != "" {
		a.owner = parent
		p := e.accounts[parent]
		p.subs = append(p.subs, sid)
		a.dialingInheritance = true
	}
	e.accounts[sid] = a
	e.order = append(e.order, sid)
	return a
}

// addKeyLocked creates a key in an account.
func (e *Emulator) addKeyLocked(a *account, s KeySeed, now time.Time) *key {
	created := s.Created.resolve(now)
	k := &key{
		sid: orNew(s.SID, func() string { return e.newSID("SK") }), account: a.sid,
		friendly: s.FriendlyName, secret: orNew(s.Secret, e.newSecret),
		typ: s.Type, policy: append([]string(nil), s.Policy...), created: created, updated: created,
	}
	if k.typ == "" {
		k.typ = KeyStandard
	}
	e.keys[k.sid] = k
	a.keyOrder = append(a.keyOrder, k.sid)
	return k
}

func (e *Emulator) addTriggerLocked(a *account, s TriggerSeed, now time.Time) *resource {
	r := e.newResource(s.SID, "UT", s.Created, now, triggerFields(s))
	if !s.DateFired.IsZero() {
		r.fields["date_fired"] = rfc2822.format(s.DateFired.resolve(now))
	}
	a.triggers = append(a.triggers, r)
	return r
}

func (e *Emulator) addPublicKeyLocked(a *account, s PublicKeySeed, now time.Time) *resource {
	r := e.newResource(s.SID, "CR", s.Created, now, map[string]any{"friendly_name": s.FriendlyName})
	a.publicKeys = append(a.publicKeys, r)
	return r
}

func (e *Emulator) newResource(sid, prefix string, created Time, now time.Time, fields map[string]any) *resource {
	t := created.resolve(now)
	return &resource{sid: orNew(sid, func() string { return e.newSID(prefix) }), created: t, updated: t, fields: fields}
}

func (e *Emulator) seedEvent(a *account, s EventSeed, now time.Time) *event {
	ev := &event{
		sid: s.SID, typ: s.Type, date: s.Date.resolve(now), source: orDefault(s.Source, "api"),
		actorType: s.ActorType, actorSID: s.ActorSID, ip: s.IP, resourceSID: s.ResourceSID,
		resourceTyp: s.ResourceType, description: s.Description, data: s.Data,
	}
	if ev.actorType == "" {
		ev.actorType = map[string]string{"api": "account", "web": "user", "twilio": "twilio-admin"}[ev.source]
	}
	if ev.actorSID == "" && ev.source == "api" {
		ev.actorSID = a.sid
	}
	if s.ResourceKey != "" {
		for _, sid := range a.keyOrder {
			if k := e.keys[sid]; k.friendly == s.ResourceKey {
				ev.resourceSID = k.sid
				if ev.data == nil { // as a live key event carries it
					ev.data = map[string]any{"friendly_name": k.friendly}
				}
			}
		}
	}
	if ev.resourceSID == "" {
		ev.resourceSID = a.sid
	}
	if ev.resourceTyp == "" {
		ev.resourceTyp = resourceTypeOf(ev.typ)
	}
	return ev
}

// resourceTypeOf is the part of an event type before the last dot.
func resourceTypeOf(typ string) string {
	for i := len(typ) - 1; i >= 0; i-- {
		if typ[i] == '.' {
			return typ[:i]
		}
	}
	return typ
}

func (e *Emulator) alerts(s AlertSeed, now time.Time) []*alert {
	n := max(s.Count, 1)
	out := make([]*alert, 0, n)
	start := s.Date.resolve(now)
	for i := range n {
		sid := s.SID
		if i > 0 || sid == "" {
			sid = e.newSID("NO")
		}
		out = append(out, &alert{
			sid: sid, created: start.Add(time.Duration(i) * time.Minute), errorCode: s.ErrorCode,
			logLevel: orDefault(s.LogLevel, "error"), text: s.Text, requestURL: s.RequestURL,
			requestMethod: orDefault(s.RequestMethod, "POST"), resourceSID: s.ResourceSID, serviceSID: s.ServiceSID,
		})
	}
	return out
}

func usageEntries(s UsageSeed, now time.Time) []usageEntry {
	n := max(s.Days, 1)
	usage := s.Usage
	if usage == 0 {
		usage = s.Count
	}
	first := day(s.Date.resolve(now))
	out := make([]usageEntry, 0, n)
	for i := range n {
		out = append(out, usageEntry{
			category: s.Category, day: first.AddDate(0, 0, i), count: s.Count, usage: usage, price: s.Price,
			countUnit: orDefault(s.CountUnit, "messages"), usageUnit: orDefault(s.UsageUnit, orDefault(s.CountUnit, "messages")),
		})
	}
	return out
}

func keyInfo(k *key) KeyInfo {
	return KeyInfo{SID: k.sid, AccountSID: k.account, FriendlyName: k.friendly, Type: k.typ,
		Policy: append([]string(nil), k.policy...), Secret: vigil.NewSecret(k.secret), Created: k.created}
}

func (e *Emulator) infoLocked(a *account) AccountInfo {
	info := AccountInfo{
		Name: a.name, SID: a.sid, FriendlyName: a.friendly, OwnerSID: a.owner, Status: a.status, Type: a.typ,
		AuthToken: vigil.NewSecret(a.token), SecondaryAuthToken: vigil.NewSecret(a.secondary),
	}
	for _, sid := range a.keyOrder {
		info.Keys = append(info.Keys, keyInfo(e.keys[sid]))
	}
	return info
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func orNew(s string, gen func() string) string {
	if s == "" {
		return gen()
	}
	return s
}
