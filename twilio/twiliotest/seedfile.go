package twiliotest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxSeedSize bounds a seed file.
const maxSeedSize = 16 << 20

// ParseSeed reads a seed in YAML (or JSON, which is YAML too). Unknown
// fields are errors, so a typo does not silently drop part of the state.
// Errors name the line. The format is the Seed type's, with its yaml keys:
//
//	accounts:
//	  - name: prod
//	    friendly_name: Production
//	    created: -400d
//	    keys:
//	      - {friendly_name: deploy-bot, type: standard, created: -200d}
//	      - {friendly_name: sms-reader, type: restricted, policy: [/twilio/messaging/messages/read]}
//	    events:
//	      - {type: account-api-keys.created, date: -6d, ip: 203.0.113.7, resource_key: deploy-bot}
//	    subaccounts:
//	      - {name: staging, friendly_name: Staging}
//
// Credentials left out (auth_token, secret) are generated when the seed is
// applied; do not commit real ones.
func ParseSeed(data []byte) (*Seed, error) {
	if len(data) > maxSeedSize {
		return nil, fmt.Errorf("seed is %d bytes, over the %d byte limit", len(data), maxSeedSize)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var s Seed
	if err := dec.Decode(&s); err != nil {
		if errors.Is(err, io.EOF) {
			return &s, nil // an empty file is an empty seed
		}
		return nil, seedError(err)
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("seed holds more than one YAML document; put all accounts in one")
	}
	return &s, nil
}

// seedError makes yaml's messages read well: "line 4: field sids not found
// in type twiliotest.AccountSeed" becomes "line 4: unknown field sids".
func seedError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return err
	}
	msgs := make([]string, 0, len(te.Errors))
	for _, m := range te.Errors {
		m = strings.TrimPrefix(m, "yaml: ")
		if i := strings.Index(m, "field "); i >= 0 && strings.Contains(m, " not found in type ") {
			name := m[i+len("field "):]
			name = name[:strings.Index(name, " not found")]
			m = m[:i] + "unknown field " + name
		}
		msgs = append(msgs, m)
	}
	return errors.New(strings.Join(msgs, "; "))
}

// LoadSeed reads a seed file; errors name the file and line.
func LoadSeed(path string) (*Seed, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read seed: %w", err)
	}
	s, err := ParseSeed(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Clean(path), err)
	}
	return s, nil
}

// MarshalSeed writes a seed as YAML (for tools that generate seeds).
func MarshalSeed(s *Seed) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(s); err != nil {
		return nil, fmt.Errorf("encode seed: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode seed: %w", err)
	}
	return buf.Bytes(), nil
}

// compile-time check that seeds also read as JSON.
var _ json.Unmarshaler = (*Time)(nil)
