package awssm

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/secretstore/awssm/awssmtest"
)

func newStore(t *testing.T, url, id string) *Store {
	t.Helper()
	s, err := New(context.Background(), Config{
		SecretID: id, Region: "us-east-1", Endpoint: url,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDFAKEFAKEFAKE", "fake-secret-access-key", ""),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			})
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRoundTrip(t *testing.T) {
	f := awssmtest.New(t)
	f.Secrets["prod/twilio"] = []string{`{"OTHER":"kept","TWILIO_API_KEY":"old"}`}
	s := newStore(t, f.URL, "prod/twilio")
	ctx := context.Background()
	if err := s.Put(ctx, map[string]vigil.Secret{"TWILIO_API_KEY": vigil.NewSecret("new"), "TWILIO_API_SECRET": vigil.NewSecret("s")}); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"TWILIO_API_KEY": "new", "TWILIO_API_SECRET": "s", "OTHER": "kept"} {
		if v, err := s.Get(ctx, k); err != nil || v.Reveal() != want {
			t.Errorf("Get %s = %q, %v", k, v.Reveal(), err)
		}
	}
	var last map[string]string
	if err := json.Unmarshal([]byte(f.Secrets["prod/twilio"][1]), &last); err != nil || len(f.Secrets["prod/twilio"]) != 2 {
		t.Errorf("stored versions %q", f.Secrets["prod/twilio"])
	}
	if _, err := s.Get(ctx, "MISSING"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing field: %v", err)
	}
}

func TestThrottlingIsRetried(t *testing.T) {
	f := awssmtest.New(t)
	f.Secrets["s"] = []string{`{}`}
	f.Throttle = 2
	if err := newStore(t, f.URL, "s").Put(context.Background(), map[string]vigil.Secret{"K": vigil.NewSecret("v")}); err != nil {
		t.Fatalf("Put after two throttled answers: %v", err)
	}
	if len(f.Secrets["s"]) != 2 {
		t.Errorf("versions %q", f.Secrets["s"])
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name  string
		setup func(*awssmtest.SM)
		want  string
		nf    bool
	}{
		{"missing secret", nil, "the secret does not exist", true},
		{"access denied", func(f *awssmtest.SM) { f.Secrets["s"] = []string{"{}"}; f.Deny = true }, "access denied", false},
		{"throttled for ever", func(f *awssmtest.SM) { f.Secrets["s"] = []string{"{}"}; f.Throttle = 100 }, "throttled by AWS", false},
		{"plain string", func(f *awssmtest.SM) { f.Secrets["s"] = []string{"just-a-password"} }, "not a JSON object", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := awssmtest.New(t)
			if tt.setup != nil {
				tt.setup(f)
			}
			err := newStore(t, f.URL, "s").Put(ctx, map[string]vigil.Secret{"K": vigil.NewSecret("v")})
			if err == nil || !strings.Contains(err.Error(), tt.want) || errors.Is(err, fs.ErrNotExist) != tt.nf {
				t.Errorf("Put: %v, want %q", err, tt.want)
			}
		})
	}
}

func TestNoRegion(t *testing.T) {
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	_, err := New(context.Background(), Config{SecretID: "s", Credentials: credentials.NewStaticCredentialsProvider("a", "b", "")})
	if err == nil || !strings.Contains(err.Error(), "no region") {
		t.Errorf("no region: %v", err)
	}
}
