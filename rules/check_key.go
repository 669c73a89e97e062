package rules

import (
	"encoding/base64"
	"strings"

	"github.com/vigilsec/vigil"
)

// checkPrivateKey accepts PEM (and PGP armoured) private keys whose body is
// real base64 key material, not an elided or templated example.
func checkPrivateKey(s string, _ checkEnv) checkResult {
	begin := strings.Index(s, "-----BEGIN ")
	if begin < 0 {
		return checkResult{}
	}
	hdrEnd := strings.Index(s[begin+11:], "-----")
	if hdrEnd < 0 {
		return checkResult{}
	}
	kind := s[begin+11 : begin+11+hdrEnd]
	body := s[begin+11+hdrEnd+5:]
	if end := strings.Index(body, "-----END"); end >= 0 {
		body = body[:end]
	}
	// Literal "\n" escapes (keys inside JSON or string literals) and
	// armour headers (Proc-Type, DEK-Info, Version, Comment) are not key
	// material.
	body = strings.ReplaceAll(body, `\n`, "\n")
	body = strings.ReplaceAll(body, `\r`, "\n")
	var b64 strings.Builder
	encrypted := strings.Contains(kind, "ENCRYPTED")
	for _, line := range strings.Split(body, "\n") {
		line = trimQuoting(line)
		if strings.Contains(line, ":") {
			if strings.HasPrefix(line, "Proc-Type") && strings.Contains(line, "ENCRYPTED") {
				encrypted = true
			}
			continue
		}
		if strings.HasPrefix(line, "=") && len(line) <= 5 { // PGP checksum line
			continue
		}
		b64.WriteString(line)
	}
	data := b64.String()
	if len(data) < 64 || isPlaceholder(data[:min(len(data), 64)]) {
		return checkResult{}
	}
	raw, err := base64.StdEncoding.DecodeString(padBase64(data))
	if err != nil || len(raw) < 48 {
		return checkResult{}
	}
	d := map[string]string{"type": strings.TrimSpace(kind)}
	res := checkResult{ok: true, details: d, confidence: vigil.High}
	if encrypted {
		// Locked by a passphrase: a risk if the passphrase leaks too, which
		// is why it is still reported, at low.
		d["encrypted"] = "true"
		res.confidence = vigil.Low
	}
	return res
}

// trimQuoting removes the string-literal syntax around one line of a key
// written in code ("MIIE…" +, 'MIIE…',) but not a '+' that belongs to the
// base64 text.
func trimQuoting(line string) string {
	line = strings.TrimSpace(line)
	if rest, ok := strings.CutSuffix(line, "+"); ok {
		if r := strings.TrimSpace(rest); strings.HasSuffix(r, `"`) || strings.HasSuffix(r, "'") {
			line = r
		}
	}
	if rest, ok := strings.CutPrefix(line, "+"); ok {
		if r := strings.TrimSpace(rest); strings.HasPrefix(r, `"`) || strings.HasPrefix(r, "'") {
			line = r
		}
	}
	return strings.Trim(line, " \t\r\"',\\")
}

func padBase64(s string) string {
	s = strings.TrimRight(s, "=")
	if r := len(s) % 4; r != 0 {
		s += strings.Repeat("=", 4-r)
	}
	return s
}
