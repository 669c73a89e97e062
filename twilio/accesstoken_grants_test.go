package twilio

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParseGrant(t *testing.T) {
	tests := []struct {
		spec     string
		wantKey  string
		wantJSON string
	}{
		{"video", "video", `{}`},
		{"video:room=room1", "video", `{"room":"room1"}`},
		{"VIDEO: room=r1", "video", `{"room":"r1"}`},
		{"voice:outgoing.application_sid=APxxxx,incoming.allow=true", "voice",
			`{"incoming":{"allow":true},"outgoing":{"application_sid":"APxxxx"}}`},
		{"voice:outgoing.application_sid=AP1,outgoing.params.to=alice,outgoing.params.note=a\\,b\\=c", "voice",
			`{"outgoing":{"application_sid":"AP1","params":{"note":"a,b=c","to":"alice"}}}`},
		{"voice:incoming.allow=false", "voice", `{"incoming":{"allow":false}}`},
		{"sync:service_sid=ISxxxx", "data_sync", `{"service_sid":"ISxxxx"}`},
		{"data_sync:endpoint_id=e1", "data_sync", `{"endpoint_id":"e1"}`},
		{"conversations:configuration_profile_sid=CP1", "rtc", `{"configuration_profile_sid":"CP1"}`},
		{"chat:service_sid=IS1,endpoint_id=app:alice:phone", "chat", `{"endpoint_id":"app:alice:phone","service_sid":"IS1"}`},
		{"ip_messaging:service_sid=IS1", "ip_messaging", `{"service_sid":"IS1"}`},
		{"taskrouter:workspace_sid=WS1,worker_sid=WK1,role=worker", "task_router", `{"role":"worker","worker_sid":"WK1","workspace_sid":"WS1"}`},
		{"player:playerStreamerSid=VJ1", "player", `{"playerStreamerSid":"VJ1"}`},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			g, err := ParseGrant(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(g.Payload())
			if g.Key() != tt.wantKey || string(b) != tt.wantJSON {
				t.Fatalf("got %s %s, want %s %s", g.Key(), b, tt.wantKey, tt.wantJSON)
			}
			// FormatGrant writes what ParseGrant reads.
			again, err := ParseGrant(FormatGrant(g.Key(), g.Payload()))
			if err != nil {
				t.Fatalf("reparse %q: %v", FormatGrant(g.Key(), g.Payload()), err)
			}
			b2, _ := json.Marshal(again.Payload())
			if string(b2) != string(b) {
				t.Errorf("round trip: %s, want %s", b2, b)
			}
		})
	}
}

func TestParseGrantErrors(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"teleport:to=mars", `unknown grant "teleport"`},
		{"", `unknown grant ""`},
		{"video:rom=r1", `grant video has no field "rom" (fields: room)`},
		{"video:room", `"room" is not FIELD=VALUE`},
		{"video:room=a=b", `is not FIELD=VALUE`},
		{"video:room=", "empty value"},
		{"video:room=a,room=b", "given twice"},
		{"voice:incoming.allow=yes", "true or false"},
		{"voice:outgoing.params=x", `has no field "outgoing.params"`},
		{"voice:outgoing.params.a.b=x", `has no field`},
		{"player:a.b=x", `has no field`},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			_, err := ParseGrant(tt.spec)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := ParseGrant("nope"); !errors.Is(err, ErrUnknownGrant) {
		t.Errorf("unknown grant error does not wrap ErrUnknownGrant: %v", err)
	}
}

// Every field a typed grant writes is one ParseGrant accepts, so the two
// descriptions of a grant cannot drift apart.
func TestTypedGrantsMatchSpecs(t *testing.T) {
	grants := []Grant{
		VoiceGrant{IncomingAllow: true, OutgoingApplicationSID: "AP1", OutgoingParams: map[string]string{"k": "v"}, PushCredentialSID: "CR1", EndpointID: "e"},
		VideoGrant{Room: "r"},
		ChatGrant{ServiceSID: "IS1", EndpointID: "e", DeploymentRoleSID: "RL1", PushCredentialSID: "CR1"},
		IPMessagingGrant{ServiceSID: "IS1", EndpointID: "e", DeploymentRoleSID: "RL1", PushCredentialSID: "CR1"},
		SyncGrant{ServiceSID: "IS1", EndpointID: "e"},
		ConversationsGrant{ConfigurationProfileSID: "CP1"},
		TaskRouterGrant{WorkspaceSID: "WS1", WorkerSID: "WK1", Role: "r"},
		PlayerGrant{"playerStreamerSid": "VJ1"},
	}
	if len(grants) != len(grantSpecs()) {
		t.Fatalf("%d typed grants for %d specs", len(grants), len(grantSpecs()))
	}
	for _, g := range grants {
		spec := FormatGrant(g.Key(), g.Payload())
		p, err := ParseGrant(spec)
		if err != nil {
			t.Errorf("%T: %v", g, err)
			continue
		}
		want, _ := json.Marshal(g.Payload())
		got, _ := json.Marshal(p.Payload())
		if string(got) != string(want) || p.Key() != g.Key() {
			t.Errorf("%T: %s %s, want %s %s", g, p.Key(), got, g.Key(), want)
		}
	}
	// Empty typed grants leave every field out.
	for _, g := range []Grant{VoiceGrant{}, VideoGrant{}, ChatGrant{}, SyncGrant{}, ConversationsGrant{}, TaskRouterGrant{}} {
		if n := len(g.Payload()); n != 0 {
			t.Errorf("%T{} has %d fields", g, n)
		}
	}
}

func TestFormatGrantOddValues(t *testing.T) {
	got := FormatGrant("x", map[string]any{"n": json.Number("3"), "list": []any{"a"}, "ok": true})
	want := `x:list=["a"],n=3,ok=true`
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got := FormatGrant("x", "bare"); got != "x:=bare" {
		t.Errorf("bare string: %s", got)
	}
}

func FuzzParseGrant(f *testing.F) {
	for _, s := range []string{"video:room=r1", "voice:outgoing.application_sid=AP1,incoming.allow=true,outgoing.params.a=b\\,c", "player:x=y", "sync", ":", "voice:=", "\\", "chat:service_sid=\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		g, err := ParseGrant(spec)
		if err != nil {
			return
		}
		if lookupGrant(g.Key()) == nil {
			t.Fatalf("ParseGrant(%q) made unknown key %q", spec, g.Key())
		}
		again, err := ParseGrant(FormatGrant(g.Key(), g.Payload()))
		if err != nil {
			t.Fatalf("reparse of %q: %v", spec, err)
		}
		a, _ := json.Marshal(g.Payload())
		b, _ := json.Marshal(again.Payload())
		if string(a) != string(b) {
			t.Fatalf("round trip of %q: %s != %s", spec, a, b)
		}
	})
}
