package proxy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/vigilsec/vigil/webhook"
)

// Loader loads Auth Tokens from one place. The environment and files are
// built in; a secret store plugs in by implementing Loader.
type Loader interface {
	// Load returns the tokens the place holds now; a place that holds
	// none is an error.
	Load(ctx context.Context) (*webhook.Keyring, error)
	// String describes the place for logs ("file /etc/…"), never a token.
	String() string
}

// EnvLoader reads tokens from environment variables. Each variable holds
// one token or a comma-separated list in the token file syntax (the
// current token first, "AC…=token" for a subaccount).
type EnvLoader struct {
	Names  []string
	Getenv func(string) string
}

// Load implements Loader.
func (e EnvLoader) Load(context.Context) (*webhook.Keyring, error) {
	k := webhook.NewKeyring()
	for _, name := range e.Names {
		v := e.Getenv(name)
		if strings.TrimSpace(v) == "" {
			continue
		}
		got, err := webhook.ParseKeyring(strings.NewReader(strings.ReplaceAll(v, ",", "\n")))
		if err != nil {
			return nil, fmt.Errorf("environment variable %s (items separated by commas count as lines): %w", name, err)
		}
		k = k.Merge(got)
	}
	if k.Len() == 0 {
		return nil, fmt.Errorf("environment variable %s is not set or empty", strings.Join(e.Names, ", "))
	}
	return k, nil
}

func (e EnvLoader) String() string { return "environment " + strings.Join(e.Names, ",") }

// FileLoader reads a token file (see webhook.ParseKeyring for the syntax).
type FileLoader struct {
	Path string
	// Logger, if set, is warned when the file is readable by group or others.
	Logger *slog.Logger
}

// Load implements Loader.
func (f FileLoader) Load(ctx context.Context) (*webhook.Keyring, error) {
	fh, err := os.Open(f.Path)
	if err != nil {
		return nil, fmt.Errorf("token file: %w", err)
	}
	defer fh.Close()
	if st, err := fh.Stat(); err == nil && st.Mode().Perm()&0o077 != 0 && f.Logger != nil {
		f.Logger.WarnContext(ctx, "token file is readable by group or others; chmod 600 it",
			slog.String("file", f.Path), slog.String("mode", st.Mode().Perm().String()))
	}
	k, err := webhook.ParseKeyring(fh)
	if err != nil {
		return nil, fmt.Errorf("token file %s: %w", f.Path, err)
	}
	return k, nil
}

func (f FileLoader) String() string { return "file " + f.Path }

// Keys is the TokenSource of the proxy: the merged tokens of its Loaders,
// reloadable in place while requests are served.
type Keys struct {
	live    webhook.LiveKeyring
	loaders []Loader
	log     *slog.Logger
	metrics *Metrics
}

// LoadKeys loads the tokens of every loader. It fails when any loader
// fails, or when they hold no token at all.
func LoadKeys(ctx context.Context, loaders []Loader, log *slog.Logger, m *Metrics) (*Keys, error) {
	if len(loaders) == 0 {
		return nil, errors.New("no token source configured")
	}
	k := &Keys{loaders: loaders, log: orDiscard(log), metrics: m}
	ring, err := k.load(ctx)
	if err != nil {
		return nil, err
	}
	k.store(ring)
	return k, nil
}

// Keyring implements webhook.TokenSource.
func (k *Keys) Keyring() *webhook.Keyring { return k.live.Keyring() }

// Reload loads the tokens again and puts them in force. On any error it
// keeps the tokens in force, logs the failure at error level and returns
// it; connections and requests in flight are never disturbed.
func (k *Keys) Reload(ctx context.Context) error {
	ring, err := k.load(ctx)
	if err != nil {
		k.count("failed")
		k.log.ErrorContext(ctx, "TOKEN RELOAD FAILED: keeping the previous tokens; fix the token source and reload again",
			slog.String("error", err.Error()), slog.Int("tokens_kept", k.Keyring().Len()))
		return err
	}
	k.store(ring)
	k.count("ok")
	k.log.InfoContext(ctx, "tokens reloaded", slog.Int("tokens", ring.Len()), slog.Int("subaccounts", ring.Accounts()))
	return nil
}

func (k *Keys) load(ctx context.Context) (*webhook.Keyring, error) {
	ring := webhook.NewKeyring()
	for _, l := range k.loaders {
		got, err := l.Load(ctx)
		if err != nil {
			return nil, fmt.Errorf("load tokens from %s: %w", l, err)
		}
		ring = ring.Merge(got)
	}
	if ring.Len() == 0 {
		return nil, fmt.Errorf("load tokens: %w", webhook.ErrEmptyKeyring)
	}
	return ring, nil
}

func (k *Keys) store(ring *webhook.Keyring) {
	k.live.Store(ring)
	if k.metrics != nil {
		k.metrics.tokens.Set(float64(ring.Len()))
	}
}

func (k *Keys) count(result string) {
	if k.metrics != nil {
		k.metrics.reloads.WithLabelValues(result).Inc()
	}
}

func orDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
