package vigil

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Origin says where a chunk, or a finding in it, came from.
type Origin struct {
	// Source is the kind of source: "file", "stdin", "git", "staged",
	// "archive" or "image".
	Source string `json:"source"`
	// Path is slash-separated and relative to what was scanned. Members of
	// archives are written "outer.zip!inner/file.txt" (see Members).
	Path string `json:"path"`
	// Members are the names of the archive members, outermost first, that
	// lead from the file scanned to the content. Path joins them to the
	// file's path with "!", which a name holding "!" makes ambiguous;
	// Members is exact.
	Members []string `json:"members,omitempty"`
	// Line is 1-based: for a chunk, the line of its first byte; for a
	// finding, the line where the secret starts.
	Line int `json:"line"`
	// Column is the 1-based column of the secret in its line, counted in
	// characters (Unicode code points, see CharCount); for a chunk that
	// starts inside a line, the column of its first byte (0 means a chunk
	// starts at a line start).
	Column int `json:"column,omitempty"`
	// EndLine is the line where the secret ends, when it spans lines.
	EndLine int `json:"end_line,omitempty"`
	// Commit is set for secrets found in git history, and in commit
	// messages.
	Commit *Commit `json:"commit,omitempty"`
	// Tag is set for secrets found in the message of an annotated tag.
	Tag *Tag `json:"tag,omitempty"`
	// Blob is the git object id of the content, for history and staged
	// scans.
	Blob string `json:"blob,omitempty"`
	// Layer is set for secrets found in container images.
	Layer *Layer `json:"layer,omitempty"`
}

// Commit identifies the git commit that introduced a secret.
type Commit struct {
	SHA     string    `json:"sha"`
	Author  string    `json:"author,omitempty"`
	Email   string    `json:"email,omitempty"`
	Date    time.Time `json:"date,omitempty"`
	Message string    `json:"message,omitempty"`
}

// Tag identifies an annotated tag.
type Tag struct {
	// Name is the tag's name, without refs/tags/.
	Name string `json:"name"`
	// SHA is the tag object's id, and Target the id of the object it
	// tags (a commit, usually).
	SHA    string    `json:"sha"`
	Target string    `json:"target,omitempty"`
	Tagger string    `json:"tagger,omitempty"`
	Email  string    `json:"email,omitempty"`
	Date   time.Time `json:"date,omitzero"`
	// Message is the tag message's first line.
	Message string `json:"message,omitempty"`
}

// Layer identifies the image layer that added a secret. Index counts from
// 0, the base layer; a value set in the image config (ENV, LABEL) has Index
// -1, the config's digest, and the history step that set it.
type Layer struct {
	Digest    string `json:"digest"`
	Index     int    `json:"index"`
	CreatedBy string `json:"created_by,omitempty"`
}

// String renders the origin as path:line (plus commit or layer).
func (o Origin) String() string {
	var b strings.Builder
	b.WriteString(o.Path)
	if o.Line > 0 {
		fmt.Fprintf(&b, ":%d", o.Line)
	}
	if o.Commit != nil && o.Commit.SHA != "" {
		sha := o.Commit.SHA
		if len(sha) > 12 {
			sha = sha[:12]
		}
		fmt.Fprintf(&b, " @%s", sha)
	}
	if o.Layer != nil && o.Layer.Digest != "" && o.Layer.Index >= 0 {
		fmt.Fprintf(&b, " (layer %d %s)", o.Layer.Index, shortDigest(o.Layer.Digest))
	} else if o.Layer != nil && o.Layer.Digest != "" {
		fmt.Fprintf(&b, " (image config %s)", shortDigest(o.Layer.Digest))
	}
	return b.String()
}

// File is the path of the file scanned: Path without the archive members
// that lead into it.
func (o Origin) File() string {
	if len(o.Members) == 0 {
		return o.Path
	}
	n := len(o.Path)
	for _, m := range o.Members {
		n -= len(m) + 1
	}
	if n > 0 && o.Path[n:] == "!"+strings.Join(o.Members, "!") {
		return o.Path[:n]
	}
	file, _, _ := strings.Cut(o.Path, "!")
	return file
}

func shortDigest(d string) string {
	if i := strings.IndexByte(d, ':'); i >= 0 {
		d = d[i+1:]
	}
	if len(d) > 12 {
		d = d[:12]
	}
	return d
}

// Part is one named piece of a multi-part credential, such as the Account
// SID that goes with a Twilio Auth Token.
type Part struct {
	Name  string `json:"name"`
	Value Secret `json:"value"`
	// Line and Column locate the part in the item its finding was found
	// in (the same file, member, blob or image config), as Origin.Line and
	// Origin.Column do the secret; 0 when unknown. Layer, for a part found
	// in an image config, is the history step that set it.
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	Layer  *Layer `json:"layer,omitempty"`
}

// Finding is one credential found in one place.
type Finding struct {
	RuleID      string     `json:"rule"`
	Provider    string     `json:"provider"`
	Description string     `json:"description"`
	Secret      Secret     `json:"secret"`
	Parts       []Part     `json:"parts,omitempty"`
	Origin      Origin     `json:"origin"`
	Confidence  Confidence `json:"confidence"`
	Verdict     Verdict    `json:"verdict"`
	// Details are facts read from the credential itself, such as a JWT's
	// identity and expiry. They never hold the secret.
	Details map[string]string `json:"details,omitempty"`
	// Verifier names the verification function that can check this
	// credential, or is empty.
	Verifier string `json:"verifier,omitempty"`
	// Hint is one line on what to do about it.
	Hint string `json:"hint,omitempty"`
	// Present is set by history and image scans: whether the secret is
	// still there at HEAD or in the final image filesystem.
	Present *bool `json:"present,omitempty"`
	// Occurrences counts the places the same secret was found when they
	// are folded into one finding (history scans); 0 means 1.
	Occurrences int `json:"occurrences,omitempty"`
}

// Part returns the named part, if present.
func (f *Finding) Part(name string) (Secret, bool) {
	for _, p := range f.Parts {
		if p.Name == name {
			return p.Value, true
		}
	}
	return Secret{}, false
}

// PartOrigin is where a part of f was found: f's origin at the part's
// line and column. ok is false when the part's place is not known.
func (f *Finding) PartOrigin(p Part) (o Origin, ok bool) {
	if p.Line <= 0 {
		return Origin{}, false
	}
	o = f.Origin
	o.Line, o.Column, o.EndLine = p.Line, p.Column, 0
	if p.Layer != nil {
		o.Layer = p.Layer
	}
	return o, true
}

// Fingerprint identifies the credential (rule, secret and parts) without
// containing it. The same credential found twice has the same fingerprint.
func (f *Finding) Fingerprint() string {
	h := sha256.New()
	h.Write([]byte("vigil/fingerprint/v1\x00" + f.RuleID + "\x00"))
	h.Write([]byte(f.Secret.Reveal()))
	parts := make([]string, 0, len(f.Parts))
	for _, p := range f.Parts {
		parts = append(parts, p.Name+"="+p.Value.Reveal())
	}
	sort.Strings(parts)
	for _, p := range parts {
		h.Write([]byte("\x00" + p))
	}
	return hex.EncodeToString(h.Sum(nil))[:40]
}

// Confidence says how sure vigil is that a finding is a real credential.
type Confidence int

// Confidence levels, lowest first.
const (
	Low Confidence = iota + 1
	Medium
	High
)

// String returns "low", "medium" or "high".
func (c Confidence) String() string {
	switch c {
	case Low:
		return "low"
	case Medium:
		return "medium"
	case High:
		return "high"
	}
	return "unset"
}

// ParseConfidence reads "low", "medium" or "high".
func ParseConfidence(s string) (Confidence, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "low":
		return Low, nil
	case "medium", "med":
		return Medium, nil
	case "high":
		return High, nil
	}
	return 0, fmt.Errorf("unknown confidence %q (want low, medium or high)", s)
}

// MarshalText implements encoding.TextMarshaler.
func (c Confidence) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *Confidence) UnmarshalText(b []byte) error {
	v, err := ParseConfidence(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}
