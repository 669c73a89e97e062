package config

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/rules"
)

// Encode writes c as .vigil.toml text that Parse reads back to the same
// configuration. header lines are written first, as comments. It writes
// the settings a configuration converted from another scanner can hold:
// scan settings, disabled rules, allowlists, custom rules (with the rule
// fields conversions set) and [compat].
func Encode(w io.Writer, c *Config, header []string) error {
	var b strings.Builder
	for _, h := range header {
		b.WriteString(strings.TrimRight("# "+h, " ") + "\n")
	}
	if len(header) > 0 {
		b.WriteByte('\n')
	}
	if len(c.Disable) > 0 {
		fmt.Fprintf(&b, "disable = %s\n\n", list(c.Disable))
	}
	if len(c.Scan.Exclude) > 0 || c.Scan.MaxFileSize != 0 || c.Scan.Confidence != 0 {
		b.WriteString("[scan]\n")
		writeList(&b, "exclude", c.Scan.Exclude)
		if c.Scan.MaxFileSize != 0 {
			fmt.Fprintf(&b, "max_file_size = %d\n", c.Scan.MaxFileSize)
		}
		if c.Scan.Confidence != 0 {
			fmt.Fprintf(&b, "confidence = %s\n", quote(c.Scan.Confidence.String()))
		}
		b.WriteByte('\n')
	}
	if !c.Allow.empty() {
		b.WriteString("[allow]\n")
		writeAllow(&b, c.Allow)
		b.WriteByte('\n')
	}
	for _, a := range c.Allowlists {
		b.WriteString("[[allowlist]]\n")
		if a.Description != "" {
			fmt.Fprintf(&b, "description = %s\n", quote(a.Description))
		}
		writeList(&b, "rules", a.Rules)
		if a.Match == "all" {
			b.WriteString("match = \"all\"\n")
		}
		writeAllow(&b, a.Allow)
		b.WriteByte('\n')
	}
	for i := range c.Rules {
		writeRule(&b, &c.Rules[i])
	}
	for _, s := range []struct {
		key string
		on  *bool
	}{{"gitleaks_allow", c.Compat.GitleaksAllow}, {"trufflehog_ignore", c.Compat.TrufflehogIgnore},
		{"detect_secrets_pragma", c.Compat.DetectSecretsPragma}, {"gitleaksignore", c.Compat.GitleaksIgnore}} {
		if s.on != nil {
			if !strings.Contains(b.String(), "[compat]") {
				b.WriteString("[compat]\n")
			}
			fmt.Fprintf(&b, "%s = %t\n", s.key, *s.on)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeAllow(b *strings.Builder, a Allow) {
	writeList(b, "paths", a.Paths)
	writeList(b, "path_regexes", a.PathRegexes)
	writeList(b, "values", a.Values)
	writeList(b, "lines", a.Lines)
	writeList(b, "stopwords", a.Stopwords)
	writeList(b, "commits", a.Commits)
}

func writeRule(b *strings.Builder, r *rules.Rule) {
	b.WriteString("[[rules]]\n")
	fmt.Fprintf(b, "id = %s\n", quote(r.ID))
	if r.Provider != "" && r.Provider != "custom" {
		fmt.Fprintf(b, "provider = %s\n", quote(r.Provider))
	}
	fmt.Fprintf(b, "description = %s\n", quote(r.Description))
	writeList(b, "keywords", r.Keywords)
	writeList(b, "keywords_exact", r.KeywordsExact)
	fmt.Fprintf(b, "regex = %s\n", quote(r.Regex.String()))
	if r.SecretGroup > 0 && r.Regex.SubexpIndex("secret") != r.SecretGroup && r.SecretGroup != 1 {
		fmt.Fprintf(b, "secret_group = %d\n", r.SecretGroup)
	}
	if r.Entropy > 0 {
		fmt.Fprintf(b, "entropy = %s\n", strconv.FormatFloat(r.Entropy, 'g', -1, 64))
	}
	if r.Confidence != 0 && r.Confidence != vigil.Medium {
		fmt.Fprintf(b, "confidence = %s\n", quote(r.Confidence.String()))
	}
	if r.Report != nil && !*r.Report {
		b.WriteString("report = false\n")
	}
	for _, p := range r.Pair {
		fmt.Fprintf(b, "[[rules.pair]]\nwith = %s\npart = %s\nwithin = %d\n", quote(p.With), quote(p.Part), p.Within)
		if p.Required {
			b.WriteString("required = true\n")
		}
	}
	b.WriteByte('\n')
}

func writeList(b *strings.Builder, key string, vs []string) {
	if len(vs) > 0 {
		fmt.Fprintf(b, "%s = %s\n", key, list(vs))
	}
}

func list(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = quote(v)
	}
	if len(vs) <= 3 && len(strings.Join(q, ", ")) < 70 {
		return "[" + strings.Join(q, ", ") + "]"
	}
	return "[\n  " + strings.Join(q, ",\n  ") + ",\n]"
}

// quote writes a TOML string: a literal string ('…', no escapes, the
// natural form of a regex) when it can, else a basic string with TOML's
// escapes.
func quote(s string) string {
	literal := true
	for _, r := range s {
		if r == '\'' || r < 0x20 && r != '\t' || r == 0x7f {
			literal = false
			break
		}
	}
	if literal {
		return "'" + s + "'"
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
