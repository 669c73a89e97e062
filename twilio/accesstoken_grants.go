package twilio

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// A Grant is one entry of a token's "grants" object: what the bearer may do
// with one Twilio product. Mint accepts only the grant keys Twilio knows.
type Grant interface {
	// Key is the grant's name in the token, such as "video" or "data_sync".
	Key() string
	// Payload is the grant's JSON object; empty fields are left out.
	Payload() map[string]any
}

// VoiceGrant allows Programmable Voice calls (key "voice").
type VoiceGrant struct {
	IncomingAllow          bool              // incoming.allow
	OutgoingApplicationSID string            // outgoing.application_sid (AP…)
	OutgoingParams         map[string]string // outgoing.params, passed to the TwiML app
	PushCredentialSID      string            // push_credential_sid (CR…)
	EndpointID             string            // endpoint_id
}

// Key implements Grant.
func (VoiceGrant) Key() string { return "voice" }

// Payload implements Grant.
func (g VoiceGrant) Payload() map[string]any {
	p := map[string]any{}
	if g.IncomingAllow {
		p["incoming"] = map[string]any{"allow": true}
	}
	if g.OutgoingApplicationSID != "" {
		out := map[string]any{"application_sid": g.OutgoingApplicationSID}
		if len(g.OutgoingParams) > 0 {
			params := make(map[string]any, len(g.OutgoingParams))
			for k, v := range g.OutgoingParams {
				params[k] = v
			}
			out["params"] = params
		}
		p["outgoing"] = out
	}
	setNonEmpty(p, "push_credential_sid", g.PushCredentialSID)
	setNonEmpty(p, "endpoint_id", g.EndpointID)
	return p
}

// VideoGrant allows joining Video rooms (key "video"); an empty Room allows
// any room.
type VideoGrant struct {
	Room string // room name or RM… SID
}

// Key implements Grant.
func (VideoGrant) Key() string { return "video" }

// Payload implements Grant.
func (g VideoGrant) Payload() map[string]any {
	p := map[string]any{}
	setNonEmpty(p, "room", g.Room)
	return p
}

// ChatGrant allows Programmable Chat (key "chat"). Its fields also serve
// IPMessagingGrant.
type ChatGrant struct {
	ServiceSID        string // service_sid (IS…)
	EndpointID        string // endpoint_id
	DeploymentRoleSID string // deployment_role_sid
	PushCredentialSID string // push_credential_sid
}

// Key implements Grant.
func (ChatGrant) Key() string { return "chat" }

// Payload implements Grant.
func (g ChatGrant) Payload() map[string]any {
	p := map[string]any{}
	setNonEmpty(p, "service_sid", g.ServiceSID)
	setNonEmpty(p, "endpoint_id", g.EndpointID)
	setNonEmpty(p, "deployment_role_sid", g.DeploymentRoleSID)
	setNonEmpty(p, "push_credential_sid", g.PushCredentialSID)
	return p
}

// IPMessagingGrant is the older name of the Chat grant (key "ip_messaging"),
// still used by Conversations SDKs.
type IPMessagingGrant ChatGrant

// Key implements Grant.
func (IPMessagingGrant) Key() string { return "ip_messaging" }

// Payload implements Grant.
func (g IPMessagingGrant) Payload() map[string]any { return ChatGrant(g).Payload() }

// SyncGrant allows Twilio Sync (key "data_sync").
type SyncGrant struct {
	ServiceSID string // service_sid (IS…)
	EndpointID string // endpoint_id
}

// Key implements Grant.
func (SyncGrant) Key() string { return "data_sync" }

// Payload implements Grant.
func (g SyncGrant) Payload() map[string]any {
	p := map[string]any{}
	setNonEmpty(p, "service_sid", g.ServiceSID)
	setNonEmpty(p, "endpoint_id", g.EndpointID)
	return p
}

// ConversationsGrant is the Conversations configuration grant (key "rtc").
type ConversationsGrant struct {
	ConfigurationProfileSID string // configuration_profile_sid
}

// Key implements Grant.
func (ConversationsGrant) Key() string { return "rtc" }

// Payload implements Grant.
func (g ConversationsGrant) Payload() map[string]any {
	p := map[string]any{}
	setNonEmpty(p, "configuration_profile_sid", g.ConfigurationProfileSID)
	return p
}

// TaskRouterGrant allows a TaskRouter worker or workspace (key "task_router").
type TaskRouterGrant struct {
	WorkspaceSID string // workspace_sid (WS…)
	WorkerSID    string // worker_sid (WK…)
	Role         string // role
}

// Key implements Grant.
func (TaskRouterGrant) Key() string { return "task_router" }

// Payload implements Grant.
func (g TaskRouterGrant) Payload() map[string]any {
	p := map[string]any{}
	setNonEmpty(p, "workspace_sid", g.WorkspaceSID)
	setNonEmpty(p, "worker_sid", g.WorkerSID)
	setNonEmpty(p, "role", g.Role)
	return p
}

// PlayerGrant allows the Twilio Live player (key "player"); its fields are
// free-form.
type PlayerGrant map[string]string

// Key implements Grant.
func (PlayerGrant) Key() string { return "player" }

// Payload implements Grant.
func (g PlayerGrant) Payload() map[string]any {
	p := make(map[string]any, len(g))
	for k, v := range g {
		p[k] = v
	}
	return p
}

func setNonEmpty(p map[string]any, k, v string) {
	if v != "" {
		p[k] = v
	}
}

// grantSpec describes one grant kind for ParseGrant: which dotted field
// paths it takes, and which of them are booleans.
type grantSpec struct {
	key     string   // name in the token
	aliases []string // other names accepted by ParseGrant
	fields  []string // dotted paths of string fields
	bools   []string // dotted paths of boolean fields
	free    string   // any field under this dotted prefix is allowed ("" for none, "." for all)
}

// grantSpecs returns the grant kinds Twilio knows, the names of twilio-go's
// grant types.
func grantSpecs() []grantSpec {
	chatFields := []string{"service_sid", "endpoint_id", "deployment_role_sid", "push_credential_sid"}
	return []grantSpec{
		{key: "chat", fields: chatFields},
		{key: "data_sync", aliases: []string{"sync"}, fields: []string{"service_sid", "endpoint_id"}},
		{key: "ip_messaging", aliases: []string{"ipmessaging"}, fields: chatFields},
		{key: "player", aliases: []string{"playback"}, free: "."},
		{key: "rtc", aliases: []string{"conversations"}, fields: []string{"configuration_profile_sid"}},
		{key: "task_router", aliases: []string{"taskrouter"}, fields: []string{"workspace_sid", "worker_sid", "role"}},
		{key: "video", fields: []string{"room"}},
		{key: "voice", fields: []string{"outgoing.application_sid", "push_credential_sid", "endpoint_id"},
			bools: []string{"incoming.allow"}, free: "outgoing.params."},
	}
}

// lookupGrant finds a grant kind by key or alias, ignoring case.
func lookupGrant(name string) *grantSpec {
	name = strings.ToLower(name)
	for _, s := range grantSpecs() {
		if s.key == name {
			return &s
		}
		for _, a := range s.aliases {
			if a == name {
				return &s
			}
		}
	}
	return nil
}

func knownGrantNames() string {
	var names []string
	for _, s := range grantSpecs() {
		n := s.key
		if len(s.aliases) > 0 {
			n += " (" + strings.Join(s.aliases, ", ") + ")"
		}
		names = append(names, n)
	}
	return strings.Join(names, ", ")
}

func (s *grantSpec) fieldKind(path string) (isBool, ok bool) {
	for _, f := range s.fields {
		if f == path {
			return false, true
		}
	}
	for _, f := range s.bools {
		if f == path {
			return true, true
		}
	}
	switch {
	case s.free == ".":
		return false, !strings.Contains(path, ".")
	case s.free != "" && strings.HasPrefix(path, s.free):
		rest := path[len(s.free):]
		return false, rest != "" && !strings.Contains(rest, ".")
	}
	return false, false
}

func (s *grantSpec) fieldList() string {
	all := append(append([]string{}, s.fields...), s.bools...)
	if s.free == "." {
		all = append(all, "any NAME")
	} else if s.free != "" {
		all = append(all, s.free+"NAME")
	}
	return strings.Join(all, ", ")
}

// rawGrant is a grant read by ParseGrant.
type rawGrant struct {
	key     string
	payload map[string]any
}

func (g rawGrant) Key() string             { return g.key }
func (g rawGrant) Payload() map[string]any { return g.payload }

// ParseGrant reads a grant written as NAME or NAME:FIELD=VALUE,FIELD=VALUE…,
// for example
//
//	video:room=standup
//	voice:outgoing.application_sid=APxxxx,incoming.allow=true
//	sync:service_sid=ISxxxx
//
// NAME is a grant key or alias (sync for data_sync, conversations for rtc,
// taskrouter for task_router); FIELD is a dotted path into the grant's JSON
// object. A backslash escapes a comma, equals sign or backslash in a value.
// Unknown names and fields are errors.
func ParseGrant(spec string) (Grant, error) {
	name, fields, _ := strings.Cut(spec, ":")
	s := lookupGrant(strings.TrimSpace(name))
	if s == nil {
		return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownGrant, name, knownGrantNames())
	}
	g := rawGrant{key: s.key, payload: map[string]any{}}
	if strings.TrimSpace(fields) == "" {
		return g, nil
	}
	seen := map[string]bool{}
	for _, item := range splitEscaped(fields, ',') {
		parts := splitEscaped(item, '=')
		if len(parts) != 2 {
			return nil, fmt.Errorf("grant %s: %q is not FIELD=VALUE", s.key, unescape(item))
		}
		path, value := strings.TrimSpace(unescape(parts[0])), unescape(parts[1])
		isBool, ok := s.fieldKind(path)
		if !ok {
			return nil, fmt.Errorf("grant %s has no field %q (fields: %s)", s.key, path, s.fieldList())
		}
		if seen[path] {
			return nil, fmt.Errorf("grant %s: field %s given twice", s.key, path)
		}
		seen[path] = true
		if value == "" {
			return nil, fmt.Errorf("grant %s: field %s has an empty value", s.key, path)
		}
		var v any = value
		if isBool {
			switch value {
			case "true":
				v = true
			case "false":
				v = false
			default:
				return nil, fmt.Errorf("grant %s: field %s takes true or false, not %q", s.key, path, value)
			}
		}
		setPath(g.payload, strings.Split(path, "."), v)
	}
	return g, nil
}

// setPath stores v at a dotted path, making the objects on the way. Paths
// come from a grantSpec, so no path is a prefix of another's value.
func setPath(m map[string]any, path []string, v any) {
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
}

// splitEscaped splits s at sep, except where a backslash escapes it; the
// escapes stay in the parts for unescape.
func splitEscaped(s string, sep byte) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case sep:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func escape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `,`, `\,`, `=`, `\=`).Replace(s)
}

// FormatGrant writes a grant's JSON value in ParseGrant's syntax, fields
// sorted: video:room=standup. Values that are neither strings nor booleans
// appear as JSON.
func FormatGrant(key string, payload any) string {
	var fields []string
	flatten("", payload, &fields)
	sort.Strings(fields)
	if len(fields) == 0 {
		return key
	}
	return key + ":" + strings.Join(fields, ",")
}

func flatten(prefix string, v any, out *[]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, sub := range v {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			flatten(p, sub, out)
		}
		return
	case string:
		*out = append(*out, escape(prefix)+"="+escape(v))
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte("?")
	}
	if prefix == "" {
		prefix = "value"
	}
	*out = append(*out, escape(prefix)+"="+escape(string(b)))
}
