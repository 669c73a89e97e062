package main

import (
	"io"
	"sync"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/rules"
)

// Everything vigil writes on stderr — diagnostics, errors, the summary,
// logs at -v, the proxy's logs — passes through the app's Redactor, which
// hides the secrets the scan found and any a matcher finds in the text:
// an error that quotes a line of a secret store, a log of a path holding a
// token. Reports on stdout pass through it as text fields (report.Report's
// Redactor), so that --show-secrets can still show the secret itself.

// redactWriter writes through a Redactor.
type redactWriter struct {
	w io.Writer
	r *vigil.Redactor
}

func (rw *redactWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(rw.w, rw.r.Text(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// lazyMatcher is the matcher of the app's Redactor: the scan's own, once
// a scan has built it (with the user's rules), else the built-in rules,
// built on first use, so that a command that writes nothing on stderr
// does not pay for them. It leaves out identifiers found alone (see
// rules.Set.Identifiers): a rotation names the key it deleted.
type lazyMatcher struct {
	once sync.Once
	mu   sync.Mutex
	m    vigil.Matcher
	ids  map[string]bool
}

// use makes m, of the rules in set, the matcher from now on.
func (l *lazyMatcher) use(m vigil.Matcher, set *rules.Set) {
	l.once.Do(func() {})
	l.mu.Lock()
	defer l.mu.Unlock()
	l.m, l.ids = m, set.Identifiers()
}

// Match implements vigil.Matcher.
func (l *lazyMatcher) Match(c vigil.Chunk, emit func(vigil.Finding)) {
	l.once.Do(func() {
		set, err := rules.Default()
		if err != nil {
			return
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.m == nil {
			l.m, l.ids = rules.NewMatcher(set, rules.Options{}), set.Identifiers()
		}
	})
	l.mu.Lock()
	m, ids := l.m, l.ids
	l.mu.Unlock()
	if m == nil {
		return
	}
	m.Match(c, func(f vigil.Finding) {
		if !ids[f.RuleID] {
			emit(f)
		}
	})
}
