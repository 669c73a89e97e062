package serve

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/vigilsec/vigil/fleet/store"
)

// webBase turns a repository's clone URL into its web address on a git
// host whose file links are known (GitHub, GitLab, Bitbucket, Gitea and
// Codeberg style), with the kind of host; "" when unknown.
func webBase(clone string) (base, host string) {
	s := strings.TrimSpace(clone)
	if rest, ok := strings.CutPrefix(s, "git@"); ok { // git@github.com:org/repo.git
		h, p, ok := strings.Cut(rest, ":")
		if !ok {
			return "", ""
		}
		s = "https://" + h + "/" + p
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http" && u.Scheme != "ssh") || u.Host == "" {
		return "", ""
	}
	h := strings.ToLower(u.Hostname())
	p := strings.Trim(strings.TrimSuffix(strings.Trim(u.Path, "/"), ".git"), "/")
	if p == "" || strings.Count(p, "/") < 1 {
		return "", ""
	}
	switch {
	case h == "github.com" || strings.HasPrefix(h, "github."):
		host = "github"
	case h == "gitlab.com" || strings.HasPrefix(h, "gitlab."):
		host = "gitlab"
	case h == "bitbucket.org":
		host = "bitbucket"
	case h == "codeberg.org" || strings.HasPrefix(h, "gitea."):
		host = "gitea"
	default:
		return "", ""
	}
	return "https://" + u.Host + "/" + p, host
}

// escapePath escapes each segment of a file path for a URL.
func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// occurrenceLink is the address of the commit's file at the line on the
// git host, or "" when the host or the commit is not known.
func occurrenceLink(clone string, o store.Occurrence) string {
	base, host := webBase(clone)
	if base == "" || !isCommit(o.Commit) || o.Path == "" || o.Layer != "" {
		return ""
	}
	line := ""
	p := escapePath(o.Path)
	switch host {
	case "github", "gitlab", "gitea":
		if o.Line > 0 {
			line = "#L" + strconv.Itoa(o.Line)
		}
	case "bitbucket":
		if o.Line > 0 {
			line = "#lines-" + strconv.Itoa(o.Line)
		}
	}
	switch host {
	case "github":
		return base + "/blob/" + o.Commit + "/" + p + line
	case "gitlab":
		return base + "/-/blob/" + o.Commit + "/" + p + line
	case "bitbucket":
		return base + "/src/" + o.Commit + "/" + p + line
	}
	return base + "/src/commit/" + o.Commit + "/" + p + line
}

// commitLink is the address of a commit on the git host, or "".
func commitLink(clone, commit string) string {
	base, host := webBase(clone)
	if base == "" || !isCommit(commit) {
		return ""
	}
	switch host {
	case "gitlab":
		return base + "/-/commit/" + commit
	case "bitbucket":
		return base + "/commits/" + commit
	}
	return base + "/commit/" + commit
}

// isCommit accepts a full SHA-1 or SHA-256 object name.
func isCommit(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
