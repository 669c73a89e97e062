package webhook

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vigilsec/vigil/twilio"
)

// ErrEmptyKeyring is returned by ParseKeyring for input that holds no token.
var ErrEmptyKeyring = errors.New("no token found")

// ParseKeyring reads tokens, one a line: a bare token is one of the
// account's own tokens (the current one first, then any outgoing one), and
// "AC…=token" is a token for that (sub)account. Blank lines and lines whose
// first non-blank character is '#' are ignored. Errors name the line but
// never show its content, which may be a secret.
func ParseKeyring(r io.Reader) (*Keyring, error) {
	k := &Keyring{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64*1024)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		sid, token, sub := strings.Cut(text, "=")
		if !sub {
			token, sid = sid, ""
		} else {
			sid, token = strings.TrimSpace(sid), strings.TrimSpace(token)
			if !twilio.IsAccountSID(sid) {
				return nil, fmt.Errorf("line %d: before '=' expected an Account SID (AC followed by 32 hex digits)", line)
			}
		}
		if err := checkToken(token); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if sid == "" {
			k.tokens = appendTokens(k.tokens, []string{token})
		} else {
			k = k.WithAccount(sid, token)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("after line %d: %w", line, err)
	}
	if k.Len() == 0 {
		return nil, ErrEmptyKeyring
	}
	return k, nil
}

// checkToken rejects values that cannot be an Auth Token as written.
func checkToken(t string) error {
	if t == "" {
		return errors.New("empty token")
	}
	for i := 0; i < len(t); i++ {
		if c := t[i]; c <= ' ' || c >= 0x7f || c == '=' || c == '#' {
			return errors.New("token holds a space, control character, '=', '#' or non-ASCII byte")
		}
	}
	return nil
}
