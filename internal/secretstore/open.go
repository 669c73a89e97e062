package secretstore

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/secretstore/awssm"
	"github.com/vigilsec/vigil/internal/secretstore/conjur"
	"github.com/vigilsec/vigil/internal/secretstore/dotenv"
	"github.com/vigilsec/vigil/internal/secretstore/execstore"
	"github.com/vigilsec/vigil/internal/secretstore/pass"
	"github.com/vigilsec/vigil/internal/secretstore/vault"
)

// Options are what a store may read from the outside world.
type Options struct {
	// Getenv reads VAULT_ADDR, VAULT_TOKEN, VAULT_ROLE_ID,
	// VAULT_SECRET_ID, the CONJUR_* variables and AWS_ACCESS_KEY_ID,
	// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (without them the AWS
	// SDK's own chain applies). Nil means os.Getenv.
	Getenv func(string) string
	// Environ is the environment of pass, gopass and exec commands. Nil
	// means vigil's own.
	Environ []string
	// Tune, when set, adjusts backend configurations before use (tests:
	// HTTP clients, retries).
	Tune Tuning
}

// Tuning adjusts backend configurations.
type Tuning struct {
	Vault  func(*vault.Config)
	AWS    func(*awssm.Config)
	Conjur func(*conjur.Config)
}

// Open parses a store URI and returns its store. It makes no request:
// an unreachable store fails at the first Get or Put.
func Open(ctx context.Context, raw string, opts Options) (Store, error) {
	u, err := ParseURI(raw)
	if err != nil {
		return nil, err
	}
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	path := strings.TrimPrefix(u.Rest, "//")
	switch u.Scheme {
	case "dotenv", "file":
		return dotenv.New(path), nil
	case "pass":
		return pass.New(pass.Pass, path, opts.Environ), nil
	case "gopass":
		return pass.New(pass.Gopass, path, opts.Environ), nil
	case "exec":
		return execstore.New(u.Rest, opts.Environ), nil
	case "vault":
		cfg, err := vaultConfig(u, getenv)
		if err != nil {
			return nil, err
		}
		if opts.Tune.Vault != nil {
			opts.Tune.Vault(&cfg)
		}
		return vault.New(cfg)
	case "aws-sm":
		cfg, err := awsConfig(u)
		if err != nil {
			return nil, err
		}
		if id, key := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"); id != "" && key != "" {
			cfg.Credentials = credentials.NewStaticCredentialsProvider(id, key, getenv("AWS_SESSION_TOKEN"))
		}
		if opts.Tune.AWS != nil {
			opts.Tune.AWS(&cfg)
		}
		return awssm.New(ctx, cfg)
	case "conjur":
		cfg, err := conjurConfig(u, getenv)
		if err != nil {
			return nil, err
		}
		if opts.Tune.Conjur != nil {
			opts.Tune.Conjur(&cfg)
		}
		return conjur.New(cfg)
	}
	return nil, fmt.Errorf("secret store %q: scheme %q is not implemented", raw, u.Scheme)
}

// query checks a URI's query parameters against the known ones.
func query(u URI, q string, known ...string) (url.Values, error) {
	v, err := url.ParseQuery(q)
	if err != nil {
		return nil, fmt.Errorf("secret store %q: bad query: %w", u.Raw, err)
	}
	for k := range v {
		if !slices.Contains(known, k) {
			return nil, fmt.Errorf("secret store %q: unknown parameter %q (known: %s)", u.Raw, k, strings.Join(known, ", "))
		}
	}
	return v, nil
}

// vaultConfig reads vault://HOST[:PORT]/MOUNT/PATH[?scheme=http&namespace=NS&approle=MOUNT].
// An empty HOST means VAULT_ADDR.
func vaultConfig(u URI, getenv func(string) string) (vault.Config, error) {
	if !strings.HasPrefix(u.Rest, "//") {
		return vault.Config{}, fmt.Errorf("secret store %q: %s", u.Raw, usage("vault"))
	}
	p, err := url.Parse("vault:" + u.Rest)
	if err != nil {
		return vault.Config{}, fmt.Errorf("secret store %q: %w; %s", u.Raw, err, usage("vault"))
	}
	q, err := query(u, p.RawQuery, "scheme", "namespace", "approle")
	if err != nil {
		return vault.Config{}, err
	}
	mount, path, _ := strings.Cut(strings.Trim(p.Path, "/"), "/")
	if mount == "" || path == "" {
		return vault.Config{}, fmt.Errorf("secret store %q: no secret path after the mount; %s", u.Raw, usage("vault"))
	}
	cfg := vault.Config{Mount: mount, Path: path, Namespace: q.Get("namespace"), AppRoleMount: q.Get("approle"), MaxRetries: -1,
		Token: vigil.NewSecret(getenv("VAULT_TOKEN")), RoleID: vigil.NewSecret(getenv("VAULT_ROLE_ID")),
		SecretID: vigil.NewSecret(getenv("VAULT_SECRET_ID"))}
	switch scheme := q.Get("scheme"); {
	case p.Host == "":
		cfg.Address = getenv("VAULT_ADDR")
		if cfg.Address == "" {
			return vault.Config{}, fmt.Errorf("secret store %q: no host, and VAULT_ADDR is not set", u.Raw)
		}
	case scheme == "" || scheme == "https" || scheme == "http":
		cfg.Address = cmp.Or(scheme, "https") + "://" + p.Host
	default:
		return vault.Config{}, fmt.Errorf("secret store %q: scheme=%s: want http or https", u.Raw, scheme)
	}
	if ns := getenv("VAULT_NAMESPACE"); cfg.Namespace == "" {
		cfg.Namespace = ns
	}
	return cfg, nil
}

// awsConfig reads aws-sm://SECRET_ID[?region=REGION&endpoint=URL]; the
// ID may be an ARN (it holds colons, so it is not parsed as a host).
func awsConfig(u URI) (awssm.Config, error) {
	rest, ok := strings.CutPrefix(u.Rest, "//")
	if !ok {
		return awssm.Config{}, fmt.Errorf("secret store %q: %s", u.Raw, usage("aws-sm"))
	}
	id, rawQuery, _ := strings.Cut(rest, "?")
	id, err := url.PathUnescape(id)
	if err != nil || id == "" {
		return awssm.Config{}, fmt.Errorf("secret store %q: no secret ID; %s", u.Raw, usage("aws-sm"))
	}
	q, err := query(u, rawQuery, "region", "endpoint")
	if err != nil {
		return awssm.Config{}, err
	}
	if e := q.Get("endpoint"); e != "" {
		if p, err := url.Parse(e); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return awssm.Config{}, fmt.Errorf("secret store %q: endpoint %q: want http(s)://HOST[:PORT]", u.Raw, e)
		}
	}
	return awssm.Config{SecretID: id, Region: q.Get("region"), Endpoint: q.Get("endpoint")}, nil
}

// conjurConfig reads conjur://HOST[:PORT]/ACCOUNT/VARIABLE-PATH[?scheme=http].
// Plain http is allowed only to a loopback address: Conjur's tokens and
// values must not cross a network in clear.
func conjurConfig(u URI, getenv func(string) string) (conjur.Config, error) {
	if !strings.HasPrefix(u.Rest, "//") {
		return conjur.Config{}, fmt.Errorf("secret store %q: %s", u.Raw, usage("conjur"))
	}
	p, err := url.Parse("conjur:" + u.Rest)
	if err != nil || p.Host == "" {
		return conjur.Config{}, fmt.Errorf("secret store %q: no host; %s", u.Raw, usage("conjur"))
	}
	q, err := query(u, p.RawQuery, "scheme")
	if err != nil {
		return conjur.Config{}, err
	}
	account, path, _ := strings.Cut(strings.Trim(p.Path, "/"), "/")
	if account == "" || strings.Trim(path, "/") == "" {
		return conjur.Config{}, fmt.Errorf("secret store %q: want an account and a variable path after the host; %s", u.Raw, usage("conjur"))
	}
	scheme := cmp.Or(q.Get("scheme"), "https")
	switch {
	case scheme != "https" && scheme != "http":
		return conjur.Config{}, fmt.Errorf("secret store %q: scheme=%s: want https (or http to a loopback address)", u.Raw, scheme)
	case scheme == "http" && !loopback(p.Hostname()):
		return conjur.Config{}, fmt.Errorf("secret store %q: scheme=http is allowed only to a loopback address: Conjur needs https", u.Raw)
	}
	return conjur.Config{URL: scheme + "://" + p.Host, Account: account, Path: path,
		Login: getenv("CONJUR_AUTHN_LOGIN"), APIKey: vigil.NewSecret(getenv("CONJUR_AUTHN_API_KEY")),
		TokenFile: getenv("CONJUR_AUTHN_TOKEN_FILE"), CertFile: getenv("CONJUR_CERT_FILE")}, nil
}

// loopback reports whether host is a loopback name or address.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
