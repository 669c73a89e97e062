package vigil

import (
	"errors"
	"maps"
)

// Text that vigil did not write itself — paths, archive members, commit and
// tag authors and messages, image history steps, facts read from a
// credential or told by its provider — can hold anything: a credential, a
// terminal escape sequence. Reporters pass every such field through one
// function (a Redactor's Text, an escaper) before it reaches any output;
// MapText is where each type lists its fields, so that a field added later
// is not forgotten (TestMapTextCoversEveryField checks it).

// MapText returns o with every text field passed through f. Only Source,
// which vigil sets, is left as it is.
func (o Origin) MapText(f func(string) string) Origin {
	o.Path = f(o.Path)
	if o.Members != nil {
		ms := make([]string, len(o.Members))
		for i, m := range o.Members {
			ms[i] = f(m)
		}
		o.Members = ms
	}
	o.Blob = f(o.Blob)
	if o.Commit != nil {
		c := *o.Commit
		c.SHA, c.Author, c.Email, c.Message = f(c.SHA), f(c.Author), f(c.Email), f(c.Message)
		o.Commit = &c
	}
	if o.Tag != nil {
		t := *o.Tag
		t.Name, t.SHA, t.Target, t.Tagger, t.Email, t.Message = f(t.Name), f(t.SHA), f(t.Target), f(t.Tagger), f(t.Email), f(t.Message)
		o.Tag = &t
	}
	o.Layer = o.Layer.mapText(f)
	return o
}

func (l *Layer) mapText(f func(string) string) *Layer {
	if l == nil {
		return nil
	}
	c := *l
	c.Digest, c.CreatedBy = f(c.Digest), f(c.CreatedBy)
	return &c
}

// MapText returns a copy of fd with every text field that vigil did not
// write passed through f: its origin and its parts' places, the details
// read from the credential, and what its provider said (reason and facts).
// The rule's own texts (id, provider, description, hint) and the secrets
// are left as they are: secrets redact themselves.
func (fd Finding) MapText(f func(string) string) Finding {
	fd.Origin = fd.Origin.MapText(f)
	if fd.Parts != nil {
		ps := make([]Part, len(fd.Parts))
		for i, p := range fd.Parts {
			p.Layer = p.Layer.mapText(f)
			ps[i] = p
		}
		fd.Parts = ps
	}
	fd.Details = mapValues(fd.Details, f)
	fd.Verdict.Reason = f(fd.Verdict.Reason)
	fd.Verdict.Facts = mapValues(fd.Verdict.Facts, f)
	return fd
}

// MapText returns s with its origin and its error's text passed through f.
func (s Skip) MapText(f func(string) string) Skip {
	s.Origin = s.Origin.MapText(f)
	if s.Err != nil {
		s.Err = errors.New(f(s.Err.Error()))
	}
	return s
}

func mapValues(m map[string]string, f func(string) string) map[string]string {
	if m == nil {
		return nil
	}
	out := maps.Clone(m)
	for k, v := range out {
		out[k] = f(v)
	}
	return out
}
