// Package awssm keeps credentials in an AWS Secrets Manager secret whose
// value is a JSON object of fields ({"TWILIO_API_KEY":"SK…",…}), through
// the AWS SDK for Go v2. Put reads the current value, sets the fields
// (keeping the others) and stores a new version, which becomes
// AWSCURRENT. The secret must exist: vigil does not create secrets (that
// is where their KMS key and resource policy are chosen).
package awssm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/smithy-go"

	"github.com/vigilsec/vigil"
)

// Config says which secret and how to reach it.
type Config struct {
	SecretID string // name or ARN
	Region   string // empty: the SDK's default chain (AWS_REGION, profile)
	// Endpoint overrides the service endpoint (a local fake, a VPC
	// endpoint). Empty: the SDK's (which honours AWS_ENDPOINT_URL).
	Endpoint string
	// Credentials, when set, replace the SDK's default chain.
	Credentials aws.CredentialsProvider
	HTTPClient  *http.Client
	// Retryer, when set, replaces the SDK's standard retryer (which
	// retries throttling and 5xx three times with backoff).
	Retryer func() aws.Retryer
}

// Store is one Secrets Manager secret.
type Store struct {
	id     string
	client *sm.Client
}

// New loads the SDK configuration (region, credentials chain) and builds
// a client; it makes no request.
func New(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.SecretID == "" {
		return nil, errors.New("aws-sm: no secret ID")
	}
	var opts []func(*config.LoadOptions) error
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	if cfg.Credentials != nil {
		opts = append(opts, config.WithCredentialsProvider(cfg.Credentials))
	}
	if cfg.HTTPClient != nil {
		opts = append(opts, config.WithHTTPClient(cfg.HTTPClient))
	}
	if cfg.Retryer != nil {
		opts = append(opts, config.WithRetryer(cfg.Retryer))
	}
	if cfg.Endpoint != "" {
		opts = append(opts, config.WithBaseEndpoint(cfg.Endpoint))
	}
	ac, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("aws-sm: load AWS configuration: %w", err)
	}
	if ac.Region == "" {
		return nil, errors.New("aws-sm: no region: add ?region=REGION to the URI or set AWS_REGION")
	}
	return &Store{id: cfg.SecretID, client: sm.NewFromConfig(ac)}, nil
}

// String names the store.
func (s *Store) String() string { return "aws-sm://" + s.id }

// Get reads one field of the current version.
func (s *Store) Get(ctx context.Context, field string) (vigil.Secret, error) {
	fields, err := s.read(ctx)
	if err != nil {
		return vigil.Secret{}, err
	}
	v, ok := fields[field]
	if !ok {
		return vigil.Secret{}, fmt.Errorf("%s: no field %s: %w", s, field, fs.ErrNotExist)
	}
	str, ok := v.(string)
	if !ok {
		return vigil.Secret{}, fmt.Errorf("%s: field %s is not a string", s, field)
	}
	return vigil.NewSecret(str), nil
}

func (s *Store) read(ctx context.Context) (map[string]any, error) {
	fields, _, err := s.readVersion(ctx, "")
	return fields, err
}

// readVersion reads the fields of a version (versionID "": the current
// one) and returns its ID.
func (s *Store) readVersion(ctx context.Context, versionID string) (map[string]any, string, error) {
	in := &sm.GetSecretValueInput{SecretId: aws.String(s.id)}
	if versionID != "" {
		in.VersionId = aws.String(versionID)
	}
	out, err := s.client.GetSecretValue(ctx, in)
	if err != nil {
		return nil, "", s.wrap("GetSecretValue", err)
	}
	fields := map[string]any{}
	if out.SecretString == nil || *out.SecretString == "" {
		return fields, aws.ToString(out.VersionId), nil
	}
	if err := json.Unmarshal([]byte(*out.SecretString), &fields); err != nil {
		return nil, "", fmt.Errorf("%s: the secret's value is not a JSON object of fields, which vigil needs to keep the other fields", s)
	}
	return fields, aws.ToString(out.VersionId), nil
}

// Put writes a new version with the fields set.
func (s *Store) Put(ctx context.Context, values map[string]vigil.Secret) error {
	return s.update(ctx, func(fields map[string]any) {
		for k, v := range values {
			fields[k] = v.Reveal()
		}
	})
}

// Delete writes a new version without the fields.
func (s *Store) Delete(ctx context.Context, fields []string) error {
	return s.update(ctx, func(f map[string]any) {
		for _, k := range fields {
			delete(f, k)
		}
	})
}

// Snapshot returns the current version's ID ("version-id:ID"): Secrets
// Manager keeps it (as AWSPREVIOUS after the next write), so the old
// values stay recoverable without a copy.
func (s *Store) Snapshot(ctx context.Context, _ string, _ []string) (string, error) {
	_, id, err := s.readVersion(ctx, "")
	if err != nil {
		return "", err
	}
	return "version-id:" + id, nil
}

// Recall reads fields of the version Snapshot named.
func (s *Store) Recall(ctx context.Context, ref string, fields []string) (map[string]vigil.Secret, error) {
	id, ok := strings.CutPrefix(ref, "version-id:")
	if !ok || id == "" {
		return nil, fmt.Errorf("%s: %q is not a version reference", s, ref)
	}
	all, _, err := s.readVersion(ctx, id)
	if err != nil {
		return nil, err
	}
	out := map[string]vigil.Secret{}
	for _, f := range fields {
		if v, ok := all[f].(string); ok {
			out[f] = vigil.NewSecret(v)
		}
	}
	return out, nil
}

// Forget does nothing: the version stays in the secret's history.
func (s *Store) Forget(context.Context, string) error { return nil }

// Fields lists the current version's fields.
func (s *Store) Fields(ctx context.Context) ([]string, error) {
	f, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	return slices.Sorted(maps.Keys(f)), nil
}

// update writes a new version changed by change.
func (s *Store) update(ctx context.Context, change func(map[string]any)) error {
	fields, err := s.read(ctx)
	if err != nil {
		return err
	}
	change(fields)
	b, err := json.Marshal(fields)
	if err != nil {
		return fmt.Errorf("%s: %w", s, err)
	}
	// The SDK fills ClientRequestToken, so a retried request stores one
	// version, not two.
	if _, err := s.client.PutSecretValue(ctx, &sm.PutSecretValueInput{SecretId: aws.String(s.id), SecretString: aws.String(string(b))}); err != nil {
		return s.wrap("PutSecretValue", err)
	}
	return nil
}

// wrap explains the service's answers.
func (s *Store) wrap(op string, err error) error {
	var nf *types.ResourceNotFoundException
	if errors.As(err, &nf) {
		return fmt.Errorf("%s: %s: the secret does not exist (vigil does not create secrets; create it first): %w", s, op, fs.ErrNotExist)
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "AccessDeniedException":
			return fmt.Errorf("%s: %s: access denied (the IAM identity needs secretsmanager:GetSecretValue and PutSecretValue on it): %s", s, op, api.ErrorMessage())
		case "ThrottlingException":
			return fmt.Errorf("%s: %s: throttled by AWS after retries: %s", s, op, api.ErrorMessage())
		}
		return fmt.Errorf("%s: %s: %s: %s", s, op, api.ErrorCode(), api.ErrorMessage())
	}
	return fmt.Errorf("%s: %s: %w", s, op, err)
}
