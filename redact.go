package vigil

import (
	"cmp"
	"slices"
	"strings"
	"sync"
)

// minKnown is the shortest value a Redactor hides wherever it appears:
// shorter values (a four-letter password) would blot out ordinary words
// in paths and messages. The matcher still finds short secrets in their
// context ("password=hunter2").
const minKnown = 8

// Redactor hides credentials in text that vigil did not write itself
// before that text reaches any output: a commit message, an image history
// step, a path, an error quoting a line. It hides every value it has
// learnt (the secrets and parts of the scan's findings) wherever it
// appears, and every credential its matcher finds in the text. A nil
// Redactor hides nothing.
type Redactor struct {
	matcher Matcher

	mu    sync.Mutex
	known map[string]string // value → its redacted form
	repl  *strings.Replacer // of known; nil when known changed since
	memo  map[string]string // text → redacted text
	gen   int               // counts changes to known
}

// NewRedactor returns a Redactor that runs m over the text it redacts; m
// may be nil, to hide learnt values only.
func NewRedactor(m Matcher) *Redactor {
	return &Redactor{matcher: m, known: map[string]string{}, memo: map[string]string{}}
}

// Learn adds the secret of f to the values hidden wherever they appear.
// Its parts are identifiers that go with the secret (an Account SID, an
// access key ID), which verification reports and people need to see:
// they are left as they are.
func (r *Redactor) Learn(f *Finding) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.learn(f.Secret)
}

func (r *Redactor) learn(s Secret) {
	if s.Len() < minKnown {
		return
	}
	if _, ok := r.known[s.value]; ok {
		return
	}
	r.known[s.value] = s.Redacted()
	r.repl = nil
	r.gen++
	clear(r.memo)
}

// Text returns s with every learnt value, and every secret the matcher
// finds in s at medium confidence or above, replaced by its redacted form.
func (r *Redactor) Text(s string) string {
	if r == nil || s == "" {
		return s
	}
	r.mu.Lock()
	if out, ok := r.memo[s]; ok {
		r.mu.Unlock()
		return out
	}
	gen := r.gen
	r.mu.Unlock()
	out := s
	if r.matcher != nil {
		out = r.matched(out)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.known) > 0 {
		if r.repl == nil {
			r.repl = replacer(r.known)
		}
		out = r.repl.Replace(out)
	}
	if len(r.memo) > 1<<14 {
		clear(r.memo)
	}
	if gen == r.gen {
		r.memo[s] = out
	}
	return out
}

// matched hides what the matcher finds in s.
func (r *Redactor) matched(s string) string {
	var found []Secret
	r.matcher.Match(Chunk{Data: []byte(s), Origin: Origin{Source: "text", Line: 1}}, func(f Finding) {
		if f.Confidence < Medium {
			return
		}
		found = append(found, f.Secret)
	})
	if len(found) == 0 {
		return s
	}
	pairs := map[string]string{}
	for _, sec := range found {
		if sec.Len() >= 4 {
			pairs[sec.value] = sec.Redacted()
		}
	}
	return replacer(pairs).Replace(s)
}

// replacer replaces each key of pairs by its value, the longest first where
// two start at the same place.
func replacer(pairs map[string]string) *strings.Replacer {
	keys := make([]string, 0, len(pairs))
	for k := range pairs {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b)) })
	args := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		args = append(args, k, pairs[k])
	}
	return strings.NewReplacer(args...)
}

// Finding returns a copy of f whose foreign text (see Finding.MapText) is
// redacted.
func (r *Redactor) Finding(f Finding) Finding { return f.MapText(r.Text) }

// Skip returns a copy of s whose path and error are redacted.
func (r *Redactor) Skip(s Skip) Skip { return s.MapText(r.Text) }
