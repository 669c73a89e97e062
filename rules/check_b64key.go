package rules

import (
	"encoding/base64"
	"strings"
)

// checkBase64PrivateKey accepts base64 text that decodes to a PEM private
// key with real key material (a key pasted into a Kubernetes Secret, a CI
// variable or a Helm value).
func checkBase64PrivateKey(s string, env checkEnv) checkResult {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' {
			return -1
		}
		return r
	}, s)
	// Only the encoded PEM matters: drop padding and any trailing partial
	// quantum picked up from the next line.
	s = strings.TrimRight(s, "=")
	raw, err := base64.RawStdEncoding.DecodeString(s[:len(s)/4*4])
	if err != nil || !strings.Contains(string(raw), "PRIVATE KEY") {
		return checkResult{}
	}
	return checkPrivateKey(string(raw), env)
}
