package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/twilio/rest"
	"github.com/vigilsec/vigil/twilio/twiliotest"
)

func newTwilioEmulatorCmd(a *app) *cobra.Command {
	var (
		listen, seedPath, now string
		faults                []string
		showSecrets           bool
	)
	cmd := &cobra.Command{
		Use:   "emulator",
		Short: "Run a local, stateful Twilio API emulator to rehearse a rotation runbook",
		Long: `Run the Twilio emulator vigil's tests use as a local server (plain HTTP on a
loopback address). It answers for every Twilio product host (api., iam.,
accounts., monitor., voice., messaging., verify.) and keeps state: a key you
create authenticates, a key you delete stops, promoting the secondary Auth
Token kills the old one, and every change appears in Monitor events.

Point vigil at it with ` + rest.BaseURLEnv + `=http://ADDR. Credentials are
generated at start-up; their SIDs are printed, their secrets only with
--show-secrets. Stop it with Ctrl-C: the state lives in memory only.

To rehearse a failure, program faults with --fault (or a seed's faults:
list): KIND,key=value,... where KIND is status, rate-limit, slow, hang,
reset or garbage, and the keys are host, method, path (a pattern such as
/v1/Keys/*), username, skip, times, phase (after: the change is made and
the answer lost), status, code, retry_after, delay and body.`,
		Example: `  vigil twilio emulator --seed docs/twilio-emulator-seed.yaml --show-secrets
  vigil twilio emulator --listen 127.0.0.1:0 --now 2026-03-10T12:00:00Z
  vigil twilio emulator --fault hang,method=POST,path=/v1/Keys,phase=after,times=1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := emulatorOptions(a, now)
			if err != nil {
				return err
			}
			if err := checkLoopback(listen); err != nil {
				return usageError(err)
			}
			seed, err := loadEmulatorSeed(seedPath)
			if err != nil {
				return err
			}
			for _, spec := range faults {
				fs, err := twiliotest.ParseFault(spec)
				if err != nil {
					return usageError(fmt.Errorf("--fault: %w", err))
				}
				seed.Faults = append(seed.Faults, fs)
			}
			e := twiliotest.New(opts)
			infos, err := e.Apply(seed)
			if err != nil {
				return usageError(fmt.Errorf("%s: %w", seedPath, err))
			}
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return runtimeError(fmt.Errorf("listen on %s: %w", listen, err), "choose another address with --listen, e.g. 127.0.0.1:0")
			}
			printEmulator(a.stdout, "http://"+ln.Addr().String(), infos, showSecrets)
			return serveEmulator(cmd.Context(), ln, e)
		},
	}
	f := cmd.Flags()
	f.StringVar(&listen, "listen", "127.0.0.1:8089", "loopback address to listen on (port 0 picks a free one)")
	f.StringVar(&seedPath, "seed", "", "seed file (YAML) with accounts, keys, webhooks, usage and events; default: one empty account")
	f.StringVar(&now, "now", "", "start the emulator's clock at this time (RFC 3339 or YYYY-MM-DD); it then runs with the wall clock")
	f.StringArrayVar(&faults, "fault", nil, "inject a fault, KIND,key=value,... (repeatable; see above)")
	f.BoolVar(&showSecrets, "show-secrets", false, "print Auth Tokens and key secrets in clear (they are generated for this run)")
	return cmd
}

// emulatorOptions builds the emulator's options from the flags.
func emulatorOptions(a *app, now string) (twiliotest.Options, error) {
	opts := twiliotest.Options{Logger: a.logger}
	if now == "" {
		return opts, nil
	}
	start, err := time.Parse(time.RFC3339, now)
	if err != nil {
		if start, err = time.Parse(time.DateOnly, now); err != nil {
			return opts, usageError(fmt.Errorf("--now %q: want RFC 3339 (2026-03-10T12:00:00Z) or YYYY-MM-DD", now))
		}
	}
	offset := time.Until(start)
	opts.Clock = func() time.Time { return time.Now().Add(offset) }
	return opts, nil
}

// checkLoopback refuses addresses off this machine: the emulator speaks
// plain HTTP and hands out credentials.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--listen %q: want HOST:PORT, e.g. 127.0.0.1:8089", addr)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--listen %q: the emulator serves plain HTTP and listens on loopback addresses only (127.0.0.1, ::1)", addr)
}

func loadEmulatorSeed(path string) (*twiliotest.Seed, error) {
	if path == "" {
		return &twiliotest.Seed{Accounts: []twiliotest.AccountSeed{{Name: "default", FriendlyName: "Emulated account",
			Keys: []twiliotest.KeySeed{{FriendlyName: "main", Type: twiliotest.KeyMain}}}}}, nil
	}
	seed, err := twiliotest.LoadSeed(path)
	if err != nil {
		return nil, usageError(err)
	}
	if len(seed.Accounts) == 0 {
		return nil, usageError(fmt.Errorf("%s: the seed has no accounts", path))
	}
	return seed, nil
}

// printEmulator tells the user where the emulator is and what is in it.
func printEmulator(w io.Writer, url string, infos []twiliotest.AccountInfo, showSecrets bool) {
	secret := func(s vigil.Secret) string {
		if showSecrets {
			return s.Reveal()
		}
		return s.Redacted()
	}
	names := map[string]string{}
	fmt.Fprintf(w, "Twilio emulator listening on %s\n\nPoint vigil at it:\n  export %s=%s\n\nAccounts:\n", url, rest.BaseURLEnv, url)
	for _, acct := range infos {
		names[acct.SID] = acct.Name
		indent := "  "
		role := "main account"
		if acct.IsSubaccount() {
			indent, role = "    ", "subaccount of "+names[acct.OwnerSID]
		}
		fmt.Fprintf(w, "%s%s  %s  %q  %s, %s, %s\n", indent, acct.Name, acct.SID, acct.FriendlyName, acct.Status, acct.Type, role)
		fmt.Fprintf(w, "%s  auth token  %s\n", indent, secret(acct.AuthToken))
		if !acct.SecondaryAuthToken.IsZero() {
			fmt.Fprintf(w, "%s  secondary   %s\n", indent, secret(acct.SecondaryAuthToken))
		}
		for _, k := range acct.Keys {
			policy := ""
			if len(k.Policy) > 0 {
				policy = "  policy " + strings.Join(k.Policy, ",")
			}
			fmt.Fprintf(w, "%s  key %s  %-10s %q  secret %s%s\n", indent, k.SID, k.Type, k.FriendlyName, secret(k.Secret), policy)
		}
	}
	if !showSecrets {
		fmt.Fprintln(w, "\nSecrets are hidden; run with --show-secrets to print them (they exist only in this run).")
	}
	fmt.Fprintln(w, "\nPress Ctrl-C to stop.")
}

// serveEmulator answers until ctx ends, then shuts down.
func serveEmulator(ctx context.Context, ln net.Listener, e *twiliotest.Emulator) error {
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return runtimeError(fmt.Errorf("emulator server: %w", err), "")
	case <-ctx.Done():
	}
	e.Close() // release hanging requests
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return runtimeError(fmt.Errorf("stop emulator: %w", err), "")
	}
	return nil
}
