package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "vigil",
		Short: "Keep watch over API credentials, Twilio's first",
		Long: `vigil finds secrets in files, git history and images, checks whether they
are live, rotates leaked Twilio credentials, audits Twilio accounts against a
hardening baseline and guards Twilio webhooks.

Exit codes: 0 clean, 1 findings or failed controls, 2 usage error,
3 runtime error or incomplete scan, 130 interrupted.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRun: func(*cobra.Command, []string) {
			a.setupLogger()
		},
	}
	root.Version = buildVersion()
	root.SetVersionTemplate("vigil {{.Version}}\n")
	root.PersistentFlags().BoolVarP(&a.verbose, "verbose", "v", false, "print debug diagnostics on stderr")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError(err) })
	// One line per top-level command; each lives in its own file.
	root.AddCommand(newScanCmd(a))
	root.AddCommand(newPassphraseCmd(a))
	root.AddCommand(newTwilioCmd(a))
	root.AddCommand(newVerifyCmd(a))
	root.AddCommand(newRulesCmd(a))
	root.AddCommand(newWebhookCmd(a))
	root.AddCommand(newHookCmd(a))
	root.AddCommand(newFleetCmd(a))
	root.AddCommand(newVersionCmd(a))
	root.AddCommand(newConfigCmd(a))
	root.AddCommand(newManCmd(a, root))
	root.AddCommand(elsewhereCmds(a)...)
	return root
}

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print vigil's version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintf(a.stdout, "vigil %s\n", buildVersion())
			return nil
		},
	}
}

// buildVersion is the module version vigil was built from.
func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
