package rules

// Identifiers returns the ids of the rules that other rules pair with:
// the identifiers that go with a secret (an Account SID, an API key SID, an
// access key ID). Found alone they are reported, but they open nothing:
// text that names them (a rotation saying which key it deleted) need not
// hide them.
func (s *Set) Identifiers() map[string]bool {
	ids := map[string]bool{}
	for _, r := range s.rules {
		for _, p := range r.Pair {
			ids[p.With] = true
		}
	}
	return ids
}
