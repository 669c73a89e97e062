package main

import (
	"context"
	"errors"

	"github.com/spf13/pflag"
	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/source/files"
)

// gitMode scans git history, staged changes and pushed commits.
// (Placeholder: the history scanner fills this in.)
type gitMode struct{}

func (g *gitMode) register(*pflag.FlagSet) {}

func (g *gitMode) active() bool { return false }

func (g *gitMode) source(context.Context, *app, []string, files.Options) (vigil.Source, error) {
	return nil, errors.New("git scanning is not built yet")
}

func (g *gitMode) finish(_ context.Context, _ *app, fs []vigil.Finding) ([]vigil.Finding, error) {
	return fs, nil
}
