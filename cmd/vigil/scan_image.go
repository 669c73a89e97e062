package main

import (
	"context"
	"errors"

	"github.com/spf13/pflag"
	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/source/files"
)

// imageMode scans container images.
// (Placeholder: the image scanner fills this in.)
type imageMode struct{}

func (g *imageMode) register(*pflag.FlagSet) {}

func (g *imageMode) active() bool { return false }

func (g *imageMode) source(context.Context, *app, []string, files.Options) (vigil.Source, error) {
	return nil, errors.New("image scanning is not built yet")
}

func (g *imageMode) finish(_ context.Context, _ *app, fs []vigil.Finding) ([]vigil.Finding, error) {
	return fs, nil
}
