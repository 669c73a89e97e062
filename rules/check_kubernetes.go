package rules

import (
	"strings"

	"github.com/vigilsec/vigil"
)

// isKubernetesToken reports whether JWT claims are those of a Kubernetes
// service-account token (legacy secret-based or projected).
func isKubernetesToken(claims map[string]any) bool {
	if iss, _ := claims["iss"].(string); iss == "kubernetes/serviceaccount" {
		return true
	}
	if _, ok := claims["kubernetes.io"]; ok {
		return true
	}
	sub, _ := claims["sub"].(string)
	return strings.HasPrefix(sub, "system:serviceaccount:")
}

// checkKubernetesToken accepts Kubernetes service-account tokens and
// reports their namespace and account.
func checkKubernetesToken(s string, env checkEnv) checkResult {
	_, claims, ok := jwtParts(s)
	if !ok || !isKubernetesToken(claims) {
		return checkResult{}
	}
	d := map[string]string{}
	if sub, _ := claims["sub"].(string); sub != "" {
		d["sub"] = clip(sub, 120)
	}
	if ns, _ := claims["kubernetes.io/serviceaccount/namespace"].(string); ns != "" {
		d["namespace"] = clip(ns, 80)
	}
	res := checkResult{ok: true, details: d}
	if expiryDetails(claims, env, d) {
		res.confidence = vigil.Low
	}
	return res
}
