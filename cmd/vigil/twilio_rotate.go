package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigilsec/vigil/internal/rotate"
	"github.com/vigilsec/vigil/internal/secretstore"
	"github.com/vigilsec/vigil/twilio"
)

// rotateFlags are shared by the rotate commands.
type rotateFlags struct {
	store, credStore, account, journal string
	healthURL                          string
	wait, healthTimeout                time.Duration
	yes, dryRun, newStore              bool
}

func (f *rotateFlags) register(cmd *cobra.Command, withStore bool) {
	fl := cmd.Flags()
	if withStore {
		fl.StringVar(&f.store, "store", "", "secret store to write the new credential to (required; see above)")
		fl.StringVar(&f.account, "account", "", "account to act on (default TWILIO_ACCOUNT_SID; a subaccount, with its parent's credentials)")
		fl.DurationVar(&f.wait, "wait", 0, "after storing, wait this long for services to pick up the new credential")
		fl.StringVar(&f.healthURL, "health-url", "", "after storing, poll this URL until it answers 2xx")
		fl.DurationVar(&f.healthTimeout, "health-timeout", 10*time.Minute, "give up polling --health-url after this long")
		fl.BoolVar(&f.dryRun, "dry-run", false, "print the plan and change nothing")
		fl.BoolVar(&f.newStore, "new-store", false, "write the new credential into a store that does not hold the old one yet (the app must read this store)")
	}
	fl.StringVar(&f.credStore, "credentials-store", "", "read the credentials to act with from this store instead of the environment")
	fl.StringVar(&f.journal, "journal", "vigil-rotation.jsonl", "journal file recording every step, for --resume and --rollback")
	fl.BoolVarP(&f.yes, "yes", "y", false, "revoke the old credential without asking")
}

const rotateLong = `Replace a leaked Twilio credential without downtime. Before anything
changes, the store must hold the credential being rotated (same SID, a
secret Twilio accepts); a store that does not is refused, unless
--new-store says to write the new credential there anyway. The old
values are kept recoverable (the store's previous version, or a backup
beside them) until the rotation ends. The new credential is created,
written to the store and proven to work before the old one is revoked,
and every step is recorded in a journal, so an interrupted rotation
(crash, Ctrl-C, store or API failure) can be finished with --resume or
undone with --rollback until the old credential is revoked.

Secret stores (--store):
  dotenv:PATH, file:PATH               KEY=VALUE file, replaced atomically
  vault://HOST[:PORT]/MOUNT/PATH       HashiCorp Vault KV v2 (VAULT_TOKEN, or
                                       VAULT_ROLE_ID and VAULT_SECRET_ID)
  aws-sm://SECRET_ID?region=REGION     AWS Secrets Manager, JSON fields
  pass:PATH, gopass:PATH               one entry per field, PATH/FIELD
  conjur://HOST[:PORT]/ACCOUNT/PATH    CyberArk Conjur, one variable per field,
                                       PATH/FIELD (CONJUR_AUTHN_LOGIN and
                                       CONJUR_AUTHN_API_KEY, or CONJUR_AUTHN_TOKEN_FILE)
  exec:COMMAND                         sh -c COMMAND, value on stdin,
                                       VIGIL_SECRET_OP (put, get, delete) and
                                       VIGIL_SECRET_FIELD set

` + credsHelp

func newTwilioRotateCmd(a *app) *cobra.Command {
	var (
		f                rotateFlags
		resume, rollback bool
	)
	cmd := &cobra.Command{
		Use:   "rotate (api-key|auth-token) | --resume | --rollback",
		Short: "Rotate a leaked API key or Auth Token without downtime",
		Long:  rotateLong,
		Example: `  vigil twilio rotate api-key --key SKxxxx --store dotenv:.env --health-url https://app.example.com/healthz
  vigil twilio rotate auth-token --store vault://vault.example.com:8200/secret/twilio --dry-run
  vigil twilio rotate --resume --journal vigil-rotation.jsonl`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if resume == rollback {
				return withHint(usageError(errors.New("say what to rotate (api-key or auth-token), or give --resume or --rollback")), "run 'vigil twilio rotate --help'")
			}
			return a.recoverRotation(cmd.Context(), f, rollback)
		},
	}
	f.register(cmd, false)
	cmd.Flags().BoolVar(&resume, "resume", false, "finish the rotation recorded in the journal")
	cmd.Flags().BoolVar(&rollback, "rollback", false, "undo the rotation recorded in the journal")
	cmd.AddCommand(newRotateKeyCmd(a), newRotateTokenCmd(a))
	return cmd
}

func newRotateKeyCmd(a *app) *cobra.Command {
	var (
		f                  rotateFlags
		key, sidF, secretF string
	)
	cmd := &cobra.Command{
		Use:   "api-key --key SK... --store URI",
		Short: "Replace an API key with a new one of the same type and policy",
		Long: rotateLong + `

The new key is a Standard or Restricted key like the old one (same policy).
Main keys cannot be created through Twilio's API: vigil says so and stops.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !twilio.IsKeySID(key) {
				return usageError(fmt.Errorf("--key %q: want the SID of the key to replace (SK followed by 32 hex digits)", key))
			}
			r, err := a.rotateRunner(cmd.Context(), f)
			if err != nil {
				return err
			}
			plan, err := r.RotateKey(cmd.Context(), rotate.KeyRequest{Key: key, SIDField: sidF, SecretField: secretF, NewStore: f.newStore,
				Wait: f.wait, HealthURL: f.healthURL, HealthTimeout: f.healthTimeout, DryRun: f.dryRun})
			if err != nil {
				return a.rotateError(cmd.Context(), err)
			}
			if f.dryRun {
				return a.printPlan(plan)
			}
			fmt.Fprintf(a.stdout, "Rotated API key %s of %s: %s now holds the new key; the old key is deleted.\nJournal: %s\n", key, plan.Account, plan.Store, f.journal)
			return nil
		},
	}
	f.register(cmd, true)
	cmd.Flags().StringVar(&key, "key", "", "SID of the key to replace (required)")
	cmd.Flags().StringVar(&sidF, "sid-field", rotate.DefaultSIDField, "store field for the key's SID")
	cmd.Flags().StringVar(&secretF, "secret-field", rotate.DefaultSecretField, "store field for the key's secret")
	return cmd
}

func newRotateTokenCmd(a *app) *cobra.Command {
	var (
		f      rotateFlags
		tokenF string
	)
	cmd := &cobra.Command{
		Use:   "auth-token --store URI",
		Short: "Replace the account's Auth Token through the secondary token",
		Long:  rotateLong,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.account != "" {
				return usageError(errors.New("--account does not apply to auth-token: Twilio rotates the Auth Token of the account that authenticates; act with that account's own TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN"))
			}
			r, err := a.rotateRunner(cmd.Context(), f)
			if err != nil {
				return err
			}
			plan, err := r.RotateToken(cmd.Context(), rotate.TokenRequest{TokenField: tokenF, NewStore: f.newStore, Wait: f.wait,
				HealthURL: f.healthURL, HealthTimeout: f.healthTimeout, DryRun: f.dryRun})
			if err != nil {
				return a.rotateError(cmd.Context(), err)
			}
			if f.dryRun {
				return a.printPlan(plan)
			}
			fmt.Fprintf(a.stdout, "Rotated the Auth Token of %s: %s holds the new token; the old one no longer works.\nJournal: %s\n", plan.Account, plan.Store, f.journal)
			fmt.Fprint(a.stdout, webhookReminder)
			return nil
		},
	}
	f.register(cmd, true)
	cmd.Flags().StringVar(&tokenF, "token-field", rotate.DefaultTokenField, "store field for the Auth Token")
	return cmd
}

const webhookReminder = `
Webhook signatures (X-Twilio-Signature) are now made with the new Auth Token:
every service that validates them needs the new token. During the switch,
'vigil webhook proxy' can accept signatures made with either token.
`

// rotateRunner builds a runner from the flags and the environment.
func (a *app) rotateRunner(ctx context.Context, f rotateFlags) (*rotate.Runner, error) {
	if f.store == "" {
		return nil, withHint(usageError(errors.New("--store is required: where the new credential goes")), "e.g. --store dotenv:.env; see 'vigil twilio rotate --help'")
	}
	if f.wait > 0 && f.healthURL != "" {
		return nil, usageError(errors.New("give --wait or --health-url, not both"))
	}
	if f.healthURL != "" && !strings.HasPrefix(f.healthURL, "http://") && !strings.HasPrefix(f.healthURL, "https://") {
		return nil, usageError(fmt.Errorf("--health-url %q: want an http(s) URL", f.healthURL))
	}
	st, err := a.openStore(ctx, f.store)
	if err != nil {
		return nil, err
	}
	a.storeWarnings(st)
	return a.runnerWith(ctx, f, st, absStoreURI(f.store))
}

func (a *app) runnerWith(ctx context.Context, f rotateFlags, st secretstore.Store, storeURI string) (*rotate.Runner, error) {
	creds, err := a.loadTwilioCreds(ctx, f.credStore, f.account)
	if err != nil {
		return nil, err
	}
	acting, err := creds.acting()
	if err != nil {
		return nil, err
	}
	r := &rotate.Runner{Acting: acting, Client: creds.client, Store: st, StoreURI: storeURI, JournalPath: f.journal,
		Progress: func(msg string) { a.warnf("%s", msg) }, Logger: a.logger}
	if !f.yes {
		r.Confirm = a.confirm
	}
	return r, nil
}

// recoverRotation resumes or rolls back the rotation in the journal.
func (a *app) recoverRotation(ctx context.Context, f rotateFlags, rollback bool) error {
	creds, err := a.loadTwilioCreds(ctx, f.credStore, "")
	if err != nil {
		return err
	}
	account := creds.account
	if ja, actor := journalAccount(f.journal); ja != "" && actor == creds.username {
		account = ja // a subaccount's rotation, by its parent's credentials
	}
	recs, st, err := rotate.LoadFor(f.journal, account)
	if err != nil {
		return a.rotateError(ctx, err)
	}
	store, err := a.openStore(ctx, st.Plan.Store)
	if err != nil {
		return err
	}
	f.account = st.Account
	r, err := a.runnerWith(ctx, f, store, st.Plan.Store)
	if err != nil {
		return err
	}
	if rollback {
		err = r.Rollback(ctx, recs)
	} else {
		err = r.Resume(ctx, recs)
	}
	if err != nil {
		return a.rotateError(ctx, err)
	}
	done, _ := rotate.Load(f.journal)
	final := rotate.Derive(done)
	fmt.Fprintf(a.stdout, "%s rotation of %s: %s.\n", final.Plan.Kind, final.Account, final.Summary())
	if !rollback && final.Plan.Kind == rotate.KindToken && final.Did(rotate.StepFinish) {
		fmt.Fprint(a.stdout, webhookReminder)
	}
	return nil
}

// journalAccount is the account and actor a journal's plan names, if any.
func journalAccount(path string) (account, actor string) {
	recs, err := rotate.Load(path)
	if err != nil || len(recs) == 0 || recs[0].Plan == nil {
		return "", ""
	}
	return recs[0].Account, recs[0].Plan.Actor
}

// rotateError explains a stopped rotation: what failed, the state of the
// account and store, and what to run next.
func (a *app) rotateError(ctx context.Context, err error) error {
	var re *rotate.Error
	if !errors.As(err, &re) {
		return runtimeError(err, "")
	}
	msg := fmt.Errorf("%w\n  state: %s", re.Err, re.State)
	if ctx.Err() != nil { // interrupted: report() prints only "interrupted"
		a.warnf("%v", msg)
		fmt.Fprintf(a.stderr, "hint: %s\n", re.Next)
		return ctx.Err()
	}
	return runtimeError(msg, re.Next)
}

func (a *app) printPlan(p rotate.Plan) error {
	fmt.Fprintf(a.stdout, "Plan (dry run, nothing changed) for the %s rotation of %s, acting as %s:\n", p.Kind, p.Account, p.Actor)
	for _, line := range p.Describe() {
		fmt.Fprintln(a.stdout, "  "+line)
	}
	return nil
}

// confirm asks a yes/no question on stderr and reads the answer from
// stdin; no answer (stdin closed) is no.
func (a *app) confirm(ctx context.Context, question string) (bool, error) {
	fmt.Fprintf(a.stderr, "%s [y/N] ", question)
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(a.stdin).ReadString('\n')
		answer <- strings.ToLower(strings.TrimSpace(line))
	}()
	select {
	case s := <-answer:
		if s == "" || !a.isTerminal(a.stdin) {
			fmt.Fprintln(a.stderr) // the answer was not echoed
		}
		return s == "y" || s == "yes", nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}
