package main

import (
	"bufio"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vigilsec/vigil/internal/audit"
)

func newTwilioAuditControlsCmd(a *app) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "controls [--format text|json]",
		Short: "List the audit's controls, their mappings and what an attestation holds",
		Example: `  vigil twilio audit controls
  vigil twilio audit controls --format json | jq '.controls[].id'`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			cat := audit.Builtin()
			switch format {
			case "json":
				return writeJSON(a, cat)
			case "text":
				return writeControls(a, cat)
			}
			return usageError(fmt.Errorf("--format %q: want text or json", format))
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "text or json")
	return cmd
}

func writeControls(a *app, cat *audit.Catalogue) error {
	b := bufio.NewWriter(a.stdout)
	for _, c := range cat.Controls {
		fmt.Fprintf(b, "%-8s %s  %-5s %s\n", c.ID, c.Level, c.Scope, c.Title)
		fmt.Fprintf(b, "         %s\n", c.MappingText())
		if c.Attest != nil {
			fmt.Fprintf(b, "         attest value (%s): %s\n", c.Attest.Value, c.Attest.Meaning)
		}
	}
	fmt.Fprintf(b, `
Levels and the guide's mappings follow the %s %s; "vigil:" marks
vigil's own mappings beside them, "vigil addition" a control beyond it.
`, cat.Guide.Name, cat.Guide.Version)
	fmt.Fprintf(b, `
Attestation file (--attest):

  attestations:
    - control: AUTH-01
      account: "*"            # or one Account SID
      by: Jane Roe <jane@example.com>
      date: 2026-02-01
      evidence: https://wiki.example.com/twilio/sso
      value: true             # bool, a number, a list or a date, as listed above
`)
	if err := b.Flush(); err != nil {
		return runtimeError(err, "")
	}
	return nil
}
