// Package detectsecrets reads a detect-secrets baseline (.secrets.baseline)
// as a vigil baseline: the secrets it lists, by file and SHA-1 of the
// secret, are accepted.
package detectsecrets

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vigilsec/vigil"
)

// FileName is the name detect-secrets gives its baseline.
const FileName = ".secrets.baseline"

// Baseline is a detect-secrets baseline.
type Baseline struct {
	Source string
	// hashes maps a file to the SHA-1 (hex) of each secret in it.
	hashes map[string]map[string]bool
	// Entries counts the secrets listed.
	Entries int
}

type fileJSON struct {
	Version string                  `json:"version"`
	Results map[string][]resultJSON `json:"results"`
}

type resultJSON struct {
	Type         string `json:"type"`
	Filename     string `json:"filename"`
	HashedSecret string `json:"hashed_secret"`
	LineNumber   int    `json:"line_number"`
}

// IsBaseline reports whether data looks like a detect-secrets baseline: a
// JSON object with "results" and "plugins_used" or "generated_at".
func IsBaseline(data []byte) bool {
	d := bytes.TrimSpace(data)
	if len(d) == 0 || d[0] != '{' {
		return false
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal(d, &probe) != nil {
		return false
	}
	_, results := probe["results"]
	_, plugins := probe["plugins_used"]
	_, generated := probe["generated_at"]
	return results && (plugins || generated)
}

// Parse reads a detect-secrets baseline.
func Parse(source string, data []byte) (*Baseline, error) {
	var f fileJSON
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("detect-secrets baseline %s: %w", source, err)
	}
	b := &Baseline{Source: source, hashes: map[string]map[string]bool{}}
	for file, rs := range f.Results {
		for i, r := range rs {
			h := strings.ToLower(r.HashedSecret)
			if len(h) != 40 || strings.Trim(h, "0123456789abcdef") != "" {
				return nil, fmt.Errorf("detect-secrets baseline %s: %s, secret %d: hashed_secret is not a SHA-1", source, file, i+1)
			}
			name := r.Filename
			if name == "" {
				name = file
			}
			name = strings.TrimPrefix(strings.ReplaceAll(name, `\`, "/"), "./")
			if b.hashes[name] == nil {
				b.hashes[name] = map[string]bool{}
			}
			b.hashes[name][h] = true
			b.Entries++
		}
	}
	return b, nil
}

// Hash is detect-secrets' hashed_secret: the SHA-1 of the secret, in hex.
func Hash(secret string) string {
	sum := sha1.Sum([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Suppress reports whether f's secret (or one of its parts) is listed for
// f's file.
func (b *Baseline) Suppress(f *vigil.Finding) (vigil.Suppression, bool) {
	hs := b.hashes[f.Origin.Path]
	if hs == nil {
		return vigil.Suppression{}, false
	}
	ok := hs[Hash(f.Secret.Reveal())]
	for _, p := range f.Parts {
		ok = ok || hs[Hash(p.Value.Reveal())]
	}
	if !ok {
		return vigil.Suppression{}, false
	}
	return vigil.Suppression{Kind: vigil.SuppressBaseline, Source: b.Source}, true
}
