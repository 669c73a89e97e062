package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/vigilsec/vigil/internal/fakecred"
)

// credential is one planted credential, as the truth file records it.
type credential struct {
	Kind   string   `json:"kind"`
	Values []string `json:"values"`
	Path   string   `json:"path"`
	Branch string   `json:"branch"`
	Commit string   `json:"commit"`
	// Removed says a later commit replaced it with a placeholder.
	Removed bool     `json:"removed"`
	Copies  []string `json:"copies,omitempty"`
	// Present says whether it is in main's last commit.
	Present bool `json:"present_at_head"`
	mark    int
}

type truth struct {
	Credentials []*credential `json:"credentials"`
	// planted are the paths that hold credentials; random edits leave
	// them alone so the truth stays exact.
	planted map[string]bool
}

func (t *truth) write(path string, marks map[int]string) error {
	for _, c := range t.Credentials {
		c.Commit = marks[c.mark]
	}
	data, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// secretGen makes credential-shaped values at run time (none is stored in
// the source) and the text that holds them.
type secretGen struct {
	g *fakecred.Gen
	n int
}

func newSecretGen(seed uint64) *secretGen { return &secretGen{g: fakecred.New(seed)} }

var services = []string{"billing", "notify", "auth", "search", "ingest", "reports", "gateway", "mailer"}

var kinds = []string{"twilio-env", "twilio-key-go", "sendgrid-py", "aws-credentials", "github-ci", "db-password-yaml", "twilio-json"}

// next returns a credential's kind, values, the file to put it in (a new
// one, or "" to append to a Go file) and its text.
func (s *secretGen) next() (kind string, values []string, file, text string) {
	kind = kinds[s.n%len(kinds)]
	svc := fmt.Sprintf("%s%d", services[s.n%len(services)], s.n)
	s.n++
	g := s.g
	switch kind {
	case "twilio-env":
		sid, tok := "AC"+g.String(fakecred.Hex, 32), g.String(fakecred.Hex, 32)
		return kind, []string{sid, tok}, "deploy/" + svc + "/.env",
			fmt.Sprintf("# %s service\nPORT=8080\nTWILIO_ACCOUNT_SID=%s\nTWILIO_AUTH_TOKEN=%s\n", svc, sid, tok)
	case "twilio-key-go":
		key, sec := "SK"+g.String(fakecred.Hex, 32), g.String(fakecred.Base62, 32)
		return kind, []string{key, sec}, "",
			fmt.Sprintf("\n// Twilio credentials for the %s service.\nconst (\n\ttwilioAPIKey    = %q\n\ttwilioAPISecret = %q\n)\n", svc, key, sec)
	case "sendgrid-py":
		key := "SG." + g.String(fakecred.B64URL, 22) + "." + g.String(fakecred.B64URL, 43)
		return kind, []string{key}, "services/" + svc + "/settings.py",
			fmt.Sprintf("DEBUG = False\nEMAIL_BACKEND = \"sendgrid_backend.SendgridBackend\"\nSENDGRID_API_KEY = %q\n", key)
	case "aws-credentials":
		id, sec := "AKIA"+g.String(fakecred.Base32, 16), g.String(fakecred.Base62+"/+", 40)
		return kind, []string{id, sec}, "ops/aws/" + svc + ".credentials",
			fmt.Sprintf("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\nregion = eu-west-1\n", id, sec)
	case "github-ci":
		tok := g.GitHubToken("ghp")
		return kind, []string{tok}, ".ci/" + svc + ".yml",
			fmt.Sprintf("name: release\njobs:\n  publish:\n    env:\n      GITHUB_TOKEN: %s\n    steps:\n      - run: make release\n", tok)
	case "db-password-yaml":
		pw := g.String(fakecred.Base62, 20)
		return kind, []string{pw}, "config/" + svc + ".yaml",
			fmt.Sprintf("database:\n  host: db.internal\n  user: %s\n  password: \"%s\"\n", svc, pw)
	default: // twilio-json
		sid, tok := "AC"+g.String(fakecred.Hex, 32), g.String(fakecred.Hex, 32)
		return kind, []string{sid, tok}, "config/" + svc + ".json",
			fmt.Sprintf("{\n  \"twilio\": {\n    \"accountSid\": %q,\n    \"authToken\": %q\n  }\n}\n", sid, tok)
	}
}

// plant adds a credential on main; some are removed later and some are
// copied to a second file.
func (h *history) plant(main *branch, step int) {
	c := h.plantOn(main, step, true)
	if c == nil {
		return
	}
	if h.r.IntN(2) == 0 {
		h.later[step+10+h.r.IntN(3000)] = append(h.later[step+10+h.r.IntN(3000)], func() { h.unplant(main, c) })
	}
	if h.r.IntN(4) == 0 {
		at := step + 5 + h.r.IntN(500)
		h.later[at] = append(h.later[at], func() { h.copyPlanted(main, c) })
	}
}

// plantOn commits a new credential on b.
func (h *history) plantOn(b *branch, step int, onMain bool) *credential {
	if h.truth.planted == nil {
		h.truth.planted = map[string]bool{}
	}
	kind, values, file, text := h.secrets.next()
	if file == "" {
		for range 50 {
			p := h.pickFile(b)
			if strings.HasSuffix(p, ".go") && !strings.Contains(p, "testdata") {
				file = p
				break
			}
		}
		if file == "" {
			return nil
		}
	}
	data := append(append([]byte(nil), b.files[file]...), text...)
	h.commit(b, fmt.Sprintf("%s: configure %s", dirOf(file), kind), []change{{file, data}}, 0)
	h.truth.planted[file] = true
	c := &credential{Kind: kind, Values: values, Path: file, Branch: b.name, mark: b.head}
	h.truth.Credentials = append(h.truth.Credentials, c)
	return c
}

// unplant replaces a credential's values with placeholders.
func (h *history) unplant(main *branch, c *credential) {
	data, ok := main.files[c.Path]
	if !ok {
		return
	}
	for _, v := range c.Values {
		data = bytes.ReplaceAll(data, []byte(v), []byte("${FROM_ENV}"))
	}
	h.commit(main, "move credentials to the environment", []change{{c.Path, data}}, 0)
	c.Removed = true
}

// copyPlanted copies a credential's file to a second path.
func (h *history) copyPlanted(main *branch, c *credential) {
	data, ok := main.files[c.Path]
	if !ok {
		return
	}
	p := "backup/" + c.Path
	h.commit(main, "back up "+c.Path, []change{{p, data}}, 0)
	h.truth.planted[p] = true
	c.Copies = append(c.Copies, p)
}

// finish records which credentials are still in main's last commit.
func (t *truth) finish(main *branch) {
	for _, c := range t.Credentials {
		for _, p := range append([]string{c.Path}, c.Copies...) {
			if bytes.Contains(main.files[p], []byte(c.Values[len(c.Values)-1])) {
				c.Present = true
			}
		}
	}
}
