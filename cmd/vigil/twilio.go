package main

import "github.com/spf13/cobra"

// newTwilioCmd groups the Twilio-specific commands. Each subcommand lives in
// its own file (twilio_*.go) and is added here with one line.
func newTwilioCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "twilio",
		Short: "Twilio credentials: tokens, rotation, exposure, audit, TLS, SDK versions, emulator",
	}
	a.allowEndpointFlag(cmd.PersistentFlags())
	cmd.AddCommand(newTwilioEmulatorCmd(a))
	cmd.AddCommand(newTwilioTokenCmd(a))
	cmd.AddCommand(newTwilioRotateCmd(a))
	cmd.AddCommand(newTwilioExposureCmd(a))
	cmd.AddCommand(newTwilioAuditCmd(a))
	cmd.AddCommand(newTwilioTLSCmd(a))
	cmd.AddCommand(newTwilioSDKCmd(a))
	return cmd
}
