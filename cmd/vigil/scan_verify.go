package main

import (
	"context"

	"github.com/spf13/pflag"
)

// verifyFlags are the flags of verification (--verify and friends).
// (Placeholder: the verification work fills this in.)
type verifyFlags struct{}

func (v *verifyFlags) register(*pflag.FlagSet) {}

// apply verifies the findings of a finished scan when asked to.
func (v *verifyFlags) apply(context.Context, *app, *scanResult) error { return nil }
