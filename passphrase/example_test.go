package passphrase_test

import (
	"context"
	"fmt"

	"github.com/vigilsec/vigil/passphrase"
)

// Check judges a passphrase against the default policy: 14 characters or
// more, hard enough to guess, and free of the words an attacker who knows
// the user tries first. Without Breaches set, the breach check is skipped
// and the result says so.
func ExamplePolicy_Check() {
	policy := passphrase.Policy{Context: []string{"alice", "example.com"}}
	for _, candidate := range []string{
		"alice2024",
		"alice@example.com-2024!",
		"correct lantern osprey gravel",
	} {
		res, err := policy.Check(context.Background(), candidate)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Print(res.Verdict, ":")
		for _, p := range res.Problems {
			fmt.Print(" ", p.Code)
		}
		fmt.Println(" breach", res.Breach.Status)
	}
	// Output:
	// rejected: too_short too_guessable context breach skipped
	// rejected: context breach skipped
	// acceptable: breach skipped
}
