// Package webhookvectors holds the request-validator test vectors of
// Twilio's official SDKs (twilio-python, twilio-node, twilio-java), carried
// over as facts in sdk-vectors.json: each entry is one assertion of one of
// their tests. The webhook package, the proxy and the CLI test against the
// same table. It does not import the webhook package, so that package's own
// tests can use it.
package webhookvectors

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/url"
)

//go:embed sdk-vectors.json
var data []byte

// Vector is one assertion of an SDK test: a request to URL with a form or
// JSON body and an X-Twilio-Signature header, and whether the SDK accepts
// it.
type Vector struct {
	SDK   string `json:"sdk"`  // repository and test file
	Test  string `json:"test"` // the test's name
	Token string `json:"token"`
	URL   string `json:"url"`
	// Form is the form-encoded POST body, parameters in the order the test
	// gives them ("" with Form set: an empty form; nil: not a form).
	Form *string `json:"form"`
	// JSON is a JSON body, whose hash the URL's bodySHA256 carries.
	JSON *string `json:"json"`
	// SignedURL, when set, is the URL the SDK signed: the test computes
	// the signature over it with the SDK's signing function and validates
	// it against URL. Signature is then empty.
	SignedURL string `json:"signed_url"`
	// Signature is the header's value; nil when the request has none.
	Signature *string `json:"signature"`
	// Computed marks a signature the SDK's signing function is asserted to
	// produce for URL and the form's parameters.
	Computed bool `json:"computed"`
	Valid    bool `json:"valid"`
}

// Name identifies the vector in test output.
func (v Vector) Name() string { return v.SDK + ": " + v.Test }

// Params are the form's parameters (nil for a JSON body or none).
func (v Vector) Params() url.Values {
	if v.Form == nil {
		return nil
	}
	p, err := url.ParseQuery(*v.Form)
	if err != nil {
		panic(fmt.Sprintf("%s: form %q: %v", v.Name(), *v.Form, err)) // the table is ours: a bug
	}
	return p
}

// Body is the request body and its content type.
func (v Vector) Body() (body, contentType string) {
	switch {
	case v.JSON != nil:
		return *v.JSON, "application/json"
	case v.Form != nil:
		return *v.Form, "application/x-www-form-urlencoded"
	}
	return "", ""
}

// BodyHash is one assertion about a JSON body's hash.
type BodyHash struct {
	SDK    string `json:"sdk"`
	Test   string `json:"test"`
	JSON   string `json:"json"`
	SHA256 string `json:"sha256"`
	Valid  bool   `json:"valid"`
}

// Load returns the vectors and the body-hash assertions.
func Load() ([]Vector, []BodyHash, error) {
	var doc struct {
		Vectors []Vector   `json:"vectors"`
		Hashes  []BodyHash `json:"body_hashes"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, nil, fmt.Errorf("sdk-vectors.json: %w", err)
	}
	return doc.Vectors, doc.Hashes, nil
}
