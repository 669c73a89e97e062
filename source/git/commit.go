package git

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/vigilsec/vigil"
)

// maxCommitSize bounds the commit objects read for attribution.
const maxCommitSize = 4 << 20

// parseCommit reads the author, date and subject of a raw commit object.
func parseCommit(sha string, data []byte) (vigil.Commit, error) {
	c := vigil.Commit{SHA: sha}
	head, msg, _ := bytes.Cut(data, []byte("\n\n"))
	found := false
	for _, line := range bytes.Split(head, []byte("\n")) {
		rest, ok := bytes.CutPrefix(line, []byte("author "))
		if !ok {
			continue
		}
		name, email, when, err := parseIdent(rest)
		if err != nil {
			return c, fmt.Errorf("commit %s: %w", sha, err)
		}
		c.Author, c.Email, c.Date = name, email, when
		found = true
		break
	}
	if !found {
		return c, fmt.Errorf("commit %s: no author line", sha)
	}
	subject, _, _ := bytes.Cut(bytes.TrimLeft(msg, "\n"), []byte("\n"))
	c.Message = string(bytes.TrimSpace(subject))
	return c, nil
}

// parseIdent reads "Name <email> 1700000000 +0100".
func parseIdent(b []byte) (name, email string, when time.Time, err error) {
	lt := bytes.IndexByte(b, '<')
	gt := bytes.LastIndexByte(b, '>')
	if lt < 0 || gt < lt {
		return "", "", time.Time{}, fmt.Errorf("bad identity %q", clip(b))
	}
	name = string(bytes.TrimSpace(b[:lt]))
	email = string(b[lt+1 : gt])
	f := bytes.Fields(b[gt+1:])
	if len(f) < 1 {
		return name, email, time.Time{}, nil // a date is not required
	}
	secs, err := strconv.ParseInt(string(f[0]), 10, 64)
	if err != nil {
		return "", "", time.Time{}, fmt.Errorf("bad date in identity %q", clip(b))
	}
	loc := time.UTC
	if len(f) > 1 && len(f[1]) == 5 && (f[1][0] == '+' || f[1][0] == '-') {
		if hhmm, err := strconv.Atoi(string(f[1][1:])); err == nil {
			off := (hhmm/100*60 + hhmm%100) * 60
			if f[1][0] == '-' {
				off = -off
			}
			loc = time.FixedZone(string(f[1]), off)
		}
	}
	return name, email, time.Unix(secs, 0).In(loc), nil
}
