package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func newScanCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "scan [PATH...]",
		Short: "Find secrets in files, directories or stdin (-)",
		RunE: func(*cobra.Command, []string) error {
			return errors.New("not implemented yet")
		},
	}
}
