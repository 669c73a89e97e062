package main

import (
	"errors"

	"github.com/spf13/pflag"

	"github.com/vigilsec/vigil/internal/endpoint"
)

// allowEndpointFlag adds --allow-endpoint to a command that may send
// credentials to a base URL from its flags or environment. The hosts it
// names are the only ones other than loopback addresses such a base URL
// may point to: an environment alone cannot send secrets away.
func (a *app) allowEndpointFlag(fl *pflag.FlagSet) {
	if fl.Lookup("allow-endpoint") != nil {
		return
	}
	fl.StringArrayVar(&a.allowEndpoints, "allow-endpoint", nil,
		"let a base URL from VIGIL_TWILIO_BASE_URL or VIGIL_VERIFY_BASE_URLS send credentials to `HOST`, which is not a loopback address (https only; repeatable)")
}

// baseURL checks a base URL that came from source (a variable or a flag)
// against the endpoint policy, and says once on stderr where credentials
// will go: a notice for a loopback address, a warning naming any other
// host. A refused URL is a usage error with a hint.
func (a *app) baseURL(source, raw string) (string, error) {
	d, err := endpoint.Policy{Allowed: a.allowEndpoints}.Check(source, raw)
	if err != nil {
		var ref *endpoint.Refusal
		if errors.As(err, &ref) {
			return "", withHint(usageError(err), ref.Hint)
		}
		return "", usageError(err)
	}
	said := source + " " + d.URL.String()
	if a.endpointNotices == nil {
		a.endpointNotices = map[string]bool{}
	}
	if !a.endpointNotices[said] {
		a.endpointNotices[said] = true
		a.warnf("%s", d.Notice())
	}
	return d.URL.String(), nil
}
