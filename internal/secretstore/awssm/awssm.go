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
	"net/http"

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
	out, err := s.client.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String(s.id)})
	if err != nil {
		return nil, s.wrap("GetSecretValue", err)
	}
	fields := map[string]any{}
	if out.SecretString == nil || *out.SecretString == "" {
		return fields, nil
	}
	if err := json.Unmarshal([]byte(*out.SecretString), &fields); err != nil {
		return nil, fmt.Errorf("%s: the secret's value is not a JSON object of fields, which vigil needs to keep the other fields", s)
	}
	return fields, nil
}

// Put writes a new version with the fields set.
func (s *Store) Put(ctx context.Context, values map[string]vigil.Secret) error {
	fields, err := s.read(ctx)
	if err != nil {
		return err
	}
	for k, v := range values {
		fields[k] = v.Reveal()
	}
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
