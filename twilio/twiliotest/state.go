package twiliotest

import (
	"encoding/hex"
	"fmt"
	"io"
	"time"
)

// account is one Twilio account (main or subaccount) and everything in it.
type account struct {
	sid, name, friendly string
	status, typ, owner  string // owner: parent SID, or own SID for a main account
	token               string
	secondary           string
	secondaryCreated    time.Time
	pkcv                bool
	balance, currency   string
	created, updated    time.Time
	numbers             []*resource
	apps                []*resource
	messaging           []*resource
	verify              []*resource
	triggers            []*resource
	publicKeys          []*resource
	countries           []*country
	dialingInheritance  bool
	usage               []usageEntry
	alerts              []*alert
	events              []*event
	subs                []string // subaccount SIDs in creation order
	keyOrder            []string // key SIDs in creation order
}

func (a *account) isSub() bool { return a.owner != a.sid }

// key is an API key.
type key struct {
	sid, account, friendly, secret string
	typ                            KeyType
	policy                         []string
	created, updated               time.Time
}

// resource is a configuration resource (number, app, service, trigger,
// public key) kept as its JSON fields; dates are rendered per API.
type resource struct {
	sid              string
	created, updated time.Time
	fields           map[string]any
}

// country is a voice dialing-permissions entry.
type country struct {
	iso, name, continent                string
	codes                               []string
	lowRisk, highRiskSpecial, tollFraud bool
	prefixes                            []string
}

// usageEntry is one seeded day of usage in one category.
type usageEntry struct {
	category     string
	day          time.Time // midnight UTC
	count, usage float64
	price        float64
	countUnit    string
	usageUnit    string
}

// alert is a Monitor (debugger) alert.
type alert struct {
	sid                 string
	created             time.Time
	errorCode, logLevel string
	text, requestURL    string
	requestMethod       string
	resourceSID         string
	serviceSID          string
}

// event is a Monitor event.
type event struct {
	sid, accountSID          string
	actorSID, actorType      string
	description              string
	data                     map[string]any
	date                     time.Time
	typ                      string
	resourceSID, resourceTyp string
	source, ip               string
}

// newHex returns n random bytes as lowercase hex.
func (e *Emulator) newHex(n int) string {
	b := make([]byte, n)
	if _, err := io.ReadFull(e.rand, b); err != nil {
		panic(fmt.Sprintf("twiliotest: random source failed: %v", err))
	}
	return hex.EncodeToString(b)
}

// newSID returns a SID with the given two-letter prefix.
func (e *Emulator) newSID(prefix string) string { return prefix + e.newHex(16) }

// newToken returns an Auth Token: 32 hex characters.
func (e *Emulator) newToken() string { return e.newHex(16) }

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newSecret returns an API key secret: 32 alphanumeric characters.
func (e *Emulator) newSecret() string {
	b := make([]byte, 32)
	if _, err := io.ReadFull(e.rand, b); err != nil {
		panic(fmt.Sprintf("twiliotest: random source failed: %v", err))
	}
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}

// root is the main account an account belongs to (itself for a main one).
func (e *Emulator) root(a *account) *account {
	if a.isSub() {
		if p := e.accounts[a.owner]; p != nil {
			return p
		}
	}
	return a
}

// reaches reports whether credentials of account from may act on to: the
// same account, or a subaccount of it.
func reaches(from, to *account) bool {
	return from.sid == to.sid || (to.isSub() && to.owner == from.sid)
}

// findKey returns the account's key with that SID.
func (e *Emulator) findKey(a *account, sid string) *key {
	k := e.keys[sid]
	if k == nil || k.account != a.sid {
		return nil
	}
	return k
}

// findResource returns the resource with that SID in a list.
func findResource(list []*resource, sid string) *resource {
	for _, r := range list {
		if r.sid == sid {
			return r
		}
	}
	return nil
}

// removeResource deletes the resource with that SID from a list.
func removeResource(list *[]*resource, sid string) bool {
	for i, r := range *list {
		if r.sid == sid {
			*list = append((*list)[:i:i], (*list)[i+1:]...)
			return true
		}
	}
	return false
}
