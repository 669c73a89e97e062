package rest_test

import (
	"slices"

	"github.com/vigilsec/vigil"
)

func ptr[T any](v T) *T { return &v }

func vigilSecret(s string) vigil.Secret { return vigil.NewSecret(s) }

func equalStrings(a, b []string) bool { return slices.Equal(a, b) }
