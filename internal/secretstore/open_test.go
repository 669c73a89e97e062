package secretstore

import (
	"context"
	"strings"
	"testing"
)

func TestOpenBadURIs(t *testing.T) {
	env := map[string]string{"VAULT_TOKEN": "t"}
	opts := Options{Getenv: func(k string) string { return env[k] }}
	for _, tt := range []struct{ uri, want string }{
		{"", "empty secret store URI"},
		{".env", "has no scheme (for a dotenv file write dotenv:.env)"},
		{"vualt://h/secret/x", `unknown scheme "vualt" (did you mean vault:?)`},
		{"dotnev:.env", "did you mean dotenv:?"},
		{"aws-ms://x", "did you mean aws-sm:?"},
		{"s3://bucket/x", `unknown scheme "s3"`},
		{"dotenv:", `nothing after "dotenv:"`},
		{"vault:secret/x", "want vault://HOST[:PORT]/MOUNT/PATH"},
		{"vault://h/secret", "no secret path after the mount"},
		{"vault:///secret/x", "VAULT_ADDR is not set"},
		{"vault://h/secret/x?sheme=http", `unknown parameter "sheme"`},
		{"vault://h/secret/x?scheme=ftp", "want http or https"},
		{"aws-sm:x", "want aws-sm://SECRET_ID"},
		{"aws-sm://?region=us-east-1", "no secret ID"},
		{"aws-sm://x?regoin=us-east-1", `unknown parameter "regoin"`},
		{"aws-sm://x?region=us-east-1&endpoint=localhost:4566", "want http(s)://HOST[:PORT]"},
		{"exec:", `nothing after "exec:"`},
		{"conjur:myorg/x", "want conjur://HOST[:PORT]/ACCOUNT/VARIABLE-PATH"},
		{"conjur://c.example/myorg", "want an account and a variable path"},
		{"conjur://c.example/myorg/prod/twilio?scheme=http", "allowed only to a loopback address"},
		{"conjur://c.example/myorg/prod/twilio?scheme=ftp", "want https"},
		{"conjur://c.example/myorg/prod/twilio", "no credentials"},
	} {
		_, err := Open(context.Background(), tt.uri, opts)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Open(%q) = %v, want %q", tt.uri, err, tt.want)
		}
	}
}

func TestOpenGoodURIs(t *testing.T) {
	env := map[string]string{"VAULT_TOKEN": "t", "VAULT_ADDR": "http://127.0.0.1:8200", "CONJUR_AUTHN_LOGIN": "host/vigil", "CONJUR_AUTHN_API_KEY": "k"}
	opts := Options{Getenv: func(k string) string { return env[k] }}
	for uri, want := range map[string]string{
		"dotenv:.env":                                           "dotenv:.env",
		"file:///etc/app.env":                                   "dotenv:/etc/app.env",
		"pass:twilio/prod":                                      "pass:twilio/prod",
		"gopass:twilio/prod":                                    "gopass:twilio/prod",
		"exec:kubectl apply -f -":                               "exec:kubectl apply -f -",
		"conjur://conjur.example.com/myorg/prod/twilio":         "conjur://conjur.example.com/myorg/prod/twilio",
		"conjur://127.0.0.1:8443/myorg/prod/twilio?scheme=http": "conjur://127.0.0.1:8443/myorg/prod/twilio",
		"vault://v.example:8200/kv/a/b":                         "vault://v.example:8200/kv/a/b",
		"vault:///secret/x":                                     "vault://127.0.0.1:8200/secret/x",
		"VAULT://h/secret/x?scheme=http":                        "vault://h/secret/x",
		"aws-sm://arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/twilio-AbCdEf?region=us-east-1": "aws-sm://arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/twilio-AbCdEf",
		"aws-sm://prod%2Ftwilio?region=eu-west-1&endpoint=http://127.0.0.1:4566":                            "aws-sm://prod/twilio",
	} {
		s, err := Open(context.Background(), uri, opts)
		if err != nil || s.String() != want {
			t.Errorf("Open(%q) = %v, %v; want %s", uri, s, err, want)
		}
	}
}

func FuzzParseURI(f *testing.F) {
	for _, s := range []string{"dotenv:.env", "vault://h:1/m/p?scheme=http", "aws-sm://a:b:c?region=x", "exec:cat", ":x", "vualt://", "a\x00:b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := ParseURI(raw)
		if err != nil {
			return
		}
		if u.Scheme == "" || u.Rest == "" {
			t.Fatalf("ParseURI(%q) accepted %+v", raw, u)
		}
		_, _ = Open(context.Background(), raw, Options{Getenv: func(string) string { return "" }})
	})
}
