package audit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/vigilsec/vigil/twilio"
)

// maxAttestSize bounds an attestation file.
const maxAttestSize = 4 << 20

// Attestation is a person's statement about a control the public API
// cannot show, or can show only in part.
type Attestation struct {
	Control  string    `json:"control"`
	Account  string    `json:"account,omitempty"` // an Account SID; empty: every account
	By       string    `json:"by"`
	Date     time.Time `json:"date"`
	Evidence string    `json:"evidence"`
	Note     string    `json:"note,omitempty"`
	// Value is a bool, an int, a []string or a time.Time, as the
	// control's attest.value says.
	Value any    `json:"value"`
	File  string `json:"file,omitempty"`
	Line  int    `json:"line,omitempty"`
}

// Attestations are the entries of one attestation file.
type Attestations struct {
	File    string
	Entries []Attestation
}

// For returns the attestation that applies to a control on an account:
// one naming the account wins over one for every account; among equals,
// the newest.
func (a *Attestations) For(control, account string) *Attestation {
	if a == nil {
		return nil
	}
	var best *Attestation
	for i := range a.Entries {
		e := &a.Entries[i]
		if e.Control != control || (e.Account != "" && e.Account != account) {
			continue
		}
		if best == nil || (e.Account != "" && best.Account == "") ||
			((e.Account == "") == (best.Account == "") && e.Date.After(best.Date)) {
			best = e
		}
	}
	return best
}

// LoadAttestations reads an attestation file; errors name the file, line
// and field.
func LoadAttestations(path string, cat *Catalogue, now time.Time) (*Attestations, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read attestations: %w", err)
	}
	a, err := ParseAttestations(data, cat, now)
	if err != nil {
		return nil, fmt.Errorf("%s:%w", path, err)
	}
	a.File = path
	for i := range a.Entries {
		a.Entries[i].File = path
	}
	return a, nil
}

// lineError is an error at a line of the attestation file. Its text starts
// with the line number so that LoadAttestations can prefix "file:".
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return fmt.Sprintf("%d: %s", e.line, e.msg) }

func errAt(n *yaml.Node, format string, args ...any) error {
	return &lineError{line: n.Line, msg: fmt.Sprintf(format, args...)}
}

// ParseAttestations reads attestations in YAML:
//
//	attestations:
//	  - control: AUTH-01
//	    account: ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx   # optional; default every account
//	    by: Jane Roe <jane@example.com>
//	    date: 2026-02-01
//	    evidence: https://wiki.example.com/security/twilio-sso
//	    value: true
//	    note: optional free text
//
// Every field but account and note is required; the value's type follows
// the control (see the catalogue's attest.value). Dates may not lie in the
// future. Errors start with the line number.
func ParseAttestations(data []byte, cat *Catalogue, now time.Time) (*Attestations, error) {
	if len(data) > maxAttestSize {
		return nil, fmt.Errorf("1: attestation file is %d bytes, over the %d byte limit", len(data), maxAttestSize)
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &Attestations{}, nil
		}
		return nil, yamlLineError(err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return nil, errAt(root, "want a mapping with the key attestations")
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i]
		if k.Value != "attestations" {
			return nil, errAt(k, "unknown field %q: the file holds one key, attestations", k.Value)
		}
		list = root.Content[i+1]
	}
	if list == nil || list.Tag == "!!null" {
		return &Attestations{}, nil
	}
	if list.Kind != yaml.SequenceNode {
		return nil, errAt(list, "field attestations: want a list of entries")
	}
	out := &Attestations{}
	for _, n := range list.Content {
		e, err := parseEntry(n, cat, now)
		if err != nil {
			return nil, err
		}
		if err := conflict(out.Entries, e); err != nil {
			return nil, err
		}
		out.Entries = append(out.Entries, e)
	}
	return out, nil
}

// conflict refuses a second attestation of a control for the same
// accounts with a different value: the audit cannot know which to believe.
// The same value again (a newer review, say) is not a conflict; the newest
// is used.
func conflict(prev []Attestation, e Attestation) error {
	for _, p := range prev {
		if p.Control != e.Control || p.Account != e.Account || valueKey(p.Value) == valueKey(e.Value) {
			continue
		}
		who := "every account"
		if e.Account != "" {
			who = e.Account
		}
		return &lineError{line: e.Line, msg: fmt.Sprintf("%s for %s is attested with value %s here and %s at line %d: the two conflict; keep one",
			e.Control, who, valueShown(e.Value), valueShown(p.Value), p.Line)}
	}
	return nil
}

// valueKey is a canonical text of an attestation's value: lists compare
// as sets, ignoring case and order.
func valueKey(v any) string {
	switch x := v.(type) {
	case []string:
		set := make([]string, 0, len(x))
		for _, s := range x {
			if s = strings.ToUpper(s); !slices.Contains(set, s) {
				set = append(set, s)
			}
		}
		slices.Sort(set)
		return "[" + strings.Join(set, ", ") + "]"
	case time.Time:
		return x.Format(time.DateOnly)
	}
	return fmt.Sprint(v)
}

// valueShown is an attestation's value as the file wrote it.
func valueShown(v any) string {
	switch x := v.(type) {
	case []string:
		return "[" + strings.Join(x, ", ") + "]"
	case time.Time:
		return x.Format(time.DateOnly)
	}
	return fmt.Sprint(v)
}

// ErrAttestation is what an attestation that does not fit the audit is
// (errors.Is): one naming an account the audit does not cover.
var ErrAttestation = errors.New("attestation does not fit the audit")

// CheckAccounts reports the first attestation that names an account
// outside audited, as "file:line: …".
func (a *Attestations) CheckAccounts(audited []string) error {
	if a == nil {
		return nil
	}
	for _, e := range a.Entries {
		if e.Account == "" || slices.Contains(audited, e.Account) {
			continue
		}
		return fmt.Errorf("%w: %s: %s names account %s, which is not in this audit (it covers %s)",
			ErrAttestation, e.Where(), e.Control, e.Account, strings.Join(audited, ", "))
	}
	return nil
}

// Where is "file:line" (or "line N" for an attestation not read from a
// file).
func (e *Attestation) Where() string {
	if e.File == "" {
		return fmt.Sprintf("line %d", e.Line)
	}
	return fmt.Sprintf("%s:%d", e.File, e.Line)
}

var yamlLine = regexp.MustCompile(`line (\d+): `)

// yamlLineError puts yaml's line number first.
func yamlLineError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLine.FindStringSubmatchIndex(msg); m != nil {
		n, _ := strconv.Atoi(msg[m[2]:m[3]])
		return &lineError{line: n, msg: "invalid YAML: " + msg[:m[0]] + msg[m[1]:]}
	}
	return &lineError{line: 1, msg: "invalid YAML: " + msg}
}

// parseEntry reads one attestation.
func parseEntry(n *yaml.Node, cat *Catalogue, now time.Time) (Attestation, error) {
	if n.Kind != yaml.MappingNode {
		return Attestation{}, errAt(n, "an attestation must be a mapping with control, by, date, evidence and value")
	}
	e := Attestation{Line: n.Line}
	fields := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !slices.Contains([]string{"control", "account", "by", "date", "evidence", "value", "note"}, k.Value) {
			return e, errAt(k, "unknown field %q (want control, account, by, date, evidence, value, note)", k.Value)
		}
		if fields[k.Value] != nil {
			return e, errAt(k, "field %s given twice", k.Value)
		}
		fields[k.Value] = v
	}
	for _, name := range []string{"control", "by", "date", "evidence", "value"} {
		if v := fields[name]; v == nil || v.Tag == "!!null" || (v.Kind == yaml.ScalarNode && strings.TrimSpace(v.Value) == "") {
			return e, errAt(n, "field %s is missing", name)
		}
	}
	for _, name := range []string{"control", "account", "by", "date", "evidence", "note"} {
		if v := fields[name]; v != nil && v.Kind != yaml.ScalarNode {
			return e, errAt(v, "field %s: want a single value", name)
		}
	}
	ctl := cat.Lookup(fields["control"].Value)
	switch {
	case ctl == nil:
		return e, errAt(fields["control"], "field control: unknown control %q", fields["control"].Value)
	case ctl.Attest == nil:
		return e, errAt(fields["control"], "field control: %s is decided from the Twilio API and takes no attestation", ctl.ID)
	}
	e.Control, e.By = ctl.ID, strings.TrimSpace(fields["by"].Value)
	e.Evidence = strings.TrimSpace(fields["evidence"].Value)
	if v := fields["note"]; v != nil {
		e.Note = v.Value
	}
	if v := fields["account"]; v != nil && v.Value != "*" && v.Value != "" {
		if !twilio.IsAccountSID(v.Value) {
			return e, errAt(v, "field account: want an Account SID (AC followed by 32 hex digits) or *")
		}
		e.Account = v.Value
	}
	d, err := parseDate(fields["date"].Value)
	if err != nil {
		return e, errAt(fields["date"], "field date: %v", err)
	}
	if d.After(now.Add(24 * time.Hour)) {
		return e, errAt(fields["date"], "field date: %s is in the future", fields["date"].Value)
	}
	e.Date = d
	if e.Value, err = attestValue(fields["value"], ctl, now); err != nil {
		return e, err
	}
	return e, nil
}

// attestValue reads a value as the control's attest.value says.
func attestValue(v *yaml.Node, ctl *Control, now time.Time) (any, error) {
	kind := ctl.Attest.Value
	switch kind {
	case AttestBool:
		var b bool
		if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" || v.Decode(&b) != nil {
			return nil, errAt(v, "field value: %s wants true or false (%s)", ctl.ID, ctl.Attest.Meaning)
		}
		return b, nil
	case AttestMax:
		var i int
		if v.Kind != yaml.ScalarNode || v.Tag != "!!int" || v.Decode(&i) != nil || i < 0 {
			return nil, errAt(v, "field value: %s wants a whole number (%s)", ctl.ID, ctl.Attest.Meaning)
		}
		return i, nil
	case AttestList:
		var list []string
		if v.Kind == yaml.ScalarNode {
			list = []string{v.Value}
		} else if v.Kind != yaml.SequenceNode || v.Decode(&list) != nil {
			return nil, errAt(v, "field value: %s wants a list (%s)", ctl.ID, ctl.Attest.Meaning)
		}
		for i := range list {
			list[i] = strings.TrimSpace(list[i])
		}
		return list, nil
	case AttestDate:
		d, err := parseDate(v.Value)
		if v.Kind != yaml.ScalarNode || err != nil {
			return nil, errAt(v, "field value: %s wants a date such as 2026-02-01 (%s)", ctl.ID, ctl.Attest.Meaning)
		}
		if d.After(now.Add(24 * time.Hour)) {
			return nil, errAt(v, "field value: %s is in the future", v.Value)
		}
		return d, nil
	}
	return nil, errAt(v, "field value: %s takes no value", ctl.ID)
}

// parseDate reads YYYY-MM-DD or an RFC 3339 date-time.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%q: want a date such as 2026-02-01 or 2026-02-01T10:00:00Z", s)
}
