package main

import (
	"bufio"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/serve"
	"github.com/vigilsec/vigil/serve/password"
)

func newServeUserCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Manage the console's users"}
	cmd.AddCommand(newServeUserAddCmd(a), newServeUserListCmd(a))
	return cmd
}

func newServeUserAddCmd(a *app) *cobra.Command {
	var (
		f    fleetFlags
		role string
	)
	cmd := &cobra.Command{
		Use:   "add NAME --role admin|member|viewer",
		Short: "Add a user; the password is read from stdin (one line, 12 characters or more)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			name := args[0]
			if err := serve.CheckName(name); err != nil {
				return usageError(err)
			}
			if store.RoleRank(role) == 0 {
				return usageError(fmt.Errorf("--role %q: want admin, member or viewer", role))
			}
			if a.isTerminal(a.stdin) {
				fmt.Fprint(a.stderr, "Password (12 characters or more): ")
			}
			line, err := bufio.NewReader(a.stdin).ReadString('\n')
			if a.isTerminal(a.stdin) {
				fmt.Fprintln(a.stderr)
			}
			pw := strings.TrimRight(line, "\r\n")
			if pw == "" && err != nil {
				return withHint(usageError(errors.New("no password on stdin")), "printf '%s\\n' \"$PASSWORD\" | vigil serve user add NAME --role ROLE")
			}
			if err := password.Check(pw); err != nil {
				return usageError(err)
			}
			c, err := f.openMigrated(ctx, a)
			if err != nil {
				return err
			}
			defer c.Close()
			u, err := serve.AddUser(ctx, c.Store, password.Default(), name, role, pw)
			if errors.Is(err, store.ErrExists) {
				return usageError(fmt.Errorf("user %q already exists", name))
			}
			if err != nil {
				return runtimeError(err, "")
			}
			if err := c.Audit(ctx, store.AuditEntry{Actor: "cli", Action: "user_added", Target: u.Name, Detail: "role " + u.Role}); err != nil {
				return runtimeError(err, "")
			}
			fmt.Fprintf(a.stdout, "added %s (%s)\n", u.Name, u.Role)
			return nil
		},
	}
	f.register(cmd.Flags(), false)
	cmd.Flags().StringVar(&role, "role", "", "admin, member or viewer (required)")
	_ = cmd.MarkFlagRequired("role")
	return cmd
}

func newServeUserListCmd(a *app) *cobra.Command {
	var f fleetFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the console's users",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, err := f.openMigrated(ctx, a)
			if err != nil {
				return err
			}
			defer c.Close()
			us, err := c.Users(ctx)
			if err != nil {
				return runtimeError(err, "")
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "USER\tROLE\tSTATE")
			for _, u := range us {
				state := "active"
				if u.Disabled {
					state = "disabled"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", u.Name, u.Role, state)
			}
			return tw.Flush()
		},
	}
	f.register(cmd.Flags(), false)
	return cmd
}

func newServeTokenCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Manage API tokens"}
	var (
		f          fleetFlags
		user, name string
	)
	create := &cobra.Command{
		Use:   "create --user NAME [--name LABEL]",
		Short: "Create an API token for a user and print it once",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, err := f.openMigrated(ctx, a)
			if err != nil {
				return err
			}
			defer c.Close()
			u, err := c.UserByName(ctx, user)
			if errors.Is(err, store.ErrNotFound) {
				return withHint(usageError(fmt.Errorf("no user %q", user)), "create it first with 'vigil serve user add'")
			}
			if err != nil {
				return runtimeError(err, "")
			}
			tok, _, err := serve.NewToken(ctx, c.Store, u.ID, name)
			if err != nil {
				return runtimeError(err, "")
			}
			if err := c.Audit(ctx, store.AuditEntry{Actor: "cli", Action: "token_created", Target: u.Name, Detail: name}); err != nil {
				return runtimeError(err, "")
			}
			fmt.Fprintln(a.stdout, tok)
			if a.isTerminal(a.stdout) {
				a.warnf("this token is shown once: store it now (it acts as %s, role %s)", u.Name, u.Role)
			}
			return nil
		},
	}
	f.register(create.Flags(), false)
	create.Flags().StringVar(&user, "user", "", "the user the token acts as (required)")
	create.Flags().StringVar(&name, "name", "", "a label for the token")
	_ = create.MarkFlagRequired("user")
	cmd.AddCommand(create)
	return cmd
}
