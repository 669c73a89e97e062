package mirror

import (
	"context"
	"maps"
	"strings"
	"time"
)

// RemoteRefs asks the remote for its refs and the objects they point at
// ('git ls-remote --refs': no HEAD, no peeled tags), without fetching
// anything: the same map Refs returns once a fetch has brought the
// mirror up to date. It is how a pass tells, for one round trip and no
// object transfer, that nothing moved.
func (m *Mirror) RemoteRefs(ctx context.Context) (map[string]string, error) {
	timeout := m.Timeout
	if timeout == 0 || timeout > 5*time.Minute {
		timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	out, err := m.gitIn(ctx, "", true, "ls-remote", "--refs", "--", m.URL)
	if err != nil {
		return nil, err
	}
	return parseRefs(string(out), "\t"), nil
}

// parseRefs reads "OID<sep>REF" lines.
func parseRefs(out, sep string) map[string]string {
	refs := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		oid, ref, ok := strings.Cut(line, sep)
		if ok {
			refs[ref] = oid
		}
	}
	return refs
}

// Unchanged reports whether the refs a remote advertises are exactly the
// ones last scanned: no ref moved, appeared or went away.
func Unchanged(remote, scanned map[string]string) bool {
	return len(scanned) > 0 && maps.Equal(remote, scanned)
}
