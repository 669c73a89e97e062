package guess

import (
	"strings"
	"testing"
)

// FuzzParity compares estimates and matches with trustelem's zxcvbn for
// arbitrary passwords up to 40 bytes; inputs holds comma-separated user
// inputs.
func FuzzParity(f *testing.F) {
	for _, c := range parityCases() {
		if len(c.pw) <= 40 {
			f.Add(c.pw, strings.Join(c.inputs, ","))
		}
	}
	var e Estimator
	f.Fuzz(func(t *testing.T, pw, inputs string) {
		if len(pw) > 40 || len(inputs) > 40 {
			t.Skip()
		}
		var words []string
		if inputs != "" {
			words = strings.Split(inputs, ",")
		}
		if diff := parity(&e, pw, words); diff != "" {
			t.Errorf("%q with %q: %s", pw, words, diff)
		}
	})
}
