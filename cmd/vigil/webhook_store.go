package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/vigilsec/vigil/webhook"
	"github.com/vigilsec/vigil/webhook/proxy"
)

// storeLoader reads Auth Tokens from a secret store, the same one `vigil
// twilio rotate` writes to, so a rotation and a proxy reload (SIGHUP) meet
// without anyone copying a token by hand. Fields hold a token or a
// comma-separated list, as the environment variables do.
type storeLoader struct {
	a      *app
	uri    string
	fields []string
}

// Load implements proxy.Loader: it opens the store and reads the fields
// each time, so a reload sees the store as it is now.
func (l storeLoader) Load(ctx context.Context) (*webhook.Keyring, error) {
	st, err := l.a.openStore(ctx, l.uri)
	if err != nil {
		return nil, err
	}
	vals := map[string]string{}
	for _, f := range l.fields {
		v, err := st.Get(ctx, f)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s from %s: %w", f, st, err)
		}
		vals[f] = v.Reveal()
	}
	if len(vals) == 0 {
		return nil, fmt.Errorf("secret store %s holds none of the fields %s", st, strings.Join(l.fields, ", "))
	}
	k, err := proxy.EnvLoader{Names: l.fields, Getenv: func(name string) string { return vals[name] }}.Load(ctx)
	if err != nil {
		return nil, fmt.Errorf("secret store %s: %w", st, err)
	}
	return k, nil
}

func (l storeLoader) String() string { return "secret store " + l.uri }
