package rules

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/vigilsec/vigil"
)

// jwtParts decodes a JWT's header and claims without checking the
// signature.
func jwtParts(tok string) (header, claims map[string]any, ok bool) {
	segs := strings.Split(tok, ".")
	if len(segs) != 3 || segs[2] == "" {
		return nil, nil, false
	}
	if err := decodeSegment(segs[0], &header); err != nil {
		return nil, nil, false
	}
	if err := decodeSegment(segs[1], &claims); err != nil {
		return nil, nil, false
	}
	if _, ok := header["alg"].(string); !ok {
		return nil, nil, false
	}
	return header, claims, true
}

func decodeSegment(s string, v any) error {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}

// numClaim reads a numeric claim (exp, nbf, iat).
func numClaim(claims map[string]any, name string) (int64, bool) {
	f, ok := claims[name].(float64)
	return int64(f), ok
}

// expiryDetails records exp and whether it has passed; expired tokens
// are reported with low confidence.
func expiryDetails(claims map[string]any, env checkEnv, d map[string]string) (expired bool) {
	exp, ok := numClaim(claims, "exp")
	if !ok {
		d["expires"] = "never"
		return false
	}
	d["expires"] = time.Unix(exp, 0).UTC().Format(time.RFC3339)
	if exp < env.now {
		d["expired"] = "true"
		return true
	}
	d["valid_for"] = (time.Duration(exp-env.now) * time.Second).String()
	return false
}

func isTwilioFPA(header map[string]any) bool {
	cty, _ := header["cty"].(string)
	return strings.HasPrefix(cty, "twilio-fpa")
}

// checkJWT accepts any well-formed JWT that is not a Twilio Access Token
// or a Kubernetes service-account token (their own rules report those).
func checkJWT(s string, env checkEnv) checkResult {
	header, claims, ok := jwtParts(s)
	if !ok || isTwilioFPA(header) || isKubernetesToken(claims) {
		return checkResult{}
	}
	d := map[string]string{}
	if alg, _ := header["alg"].(string); alg != "" {
		d["alg"] = alg
	}
	for _, k := range []string{"iss", "sub", "aud"} {
		if v, ok := claims[k].(string); ok && v != "" {
			d[k] = clip(v, 80)
		}
	}
	res := checkResult{ok: true, details: d}
	if expiryDetails(claims, env, d) {
		res.confidence = vigil.Low
	}
	return res
}

// checkTwilioAccessToken accepts Twilio Access Tokens (header cty
// twilio-fpa;v=1) and reports identity, grants, key, account and expiry.
func checkTwilioAccessToken(s string, env checkEnv) checkResult {
	header, claims, ok := jwtParts(s)
	if !ok || !isTwilioFPA(header) {
		return checkResult{}
	}
	d := map[string]string{}
	if v, ok := claims["iss"].(string); ok {
		d["api_key_sid"] = clip(v, 40)
	}
	if v, ok := claims["sub"].(string); ok {
		d["account_sid"] = clip(v, 40)
	}
	if g, ok := claims["grants"].(map[string]any); ok {
		var names []string
		for k, v := range g {
			if k == "identity" {
				d["identity"] = clip(fmt.Sprint(v), 80)
				continue
			}
			names = append(names, k)
		}
		sort.Strings(names)
		d["grants"] = strings.Join(names, ",")
	}
	if nbf, ok1 := numClaim(claims, "nbf"); ok1 {
		if exp, ok2 := numClaim(claims, "exp"); ok2 && exp > nbf {
			d["lifetime"] = (time.Duration(exp-nbf) * time.Second).String()
		}
	}
	res := checkResult{ok: true, details: d, confidence: vigil.High}
	if expiryDetails(claims, env, d) {
		res.confidence = vigil.Medium
	}
	return res
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
