package rules

import "testing"

// BenchmarkDefault measures loading the built-in rules, most of the
// start-up of a small scan such as a pre-commit hook.
func BenchmarkDefault(b *testing.B) {
	for b.Loop() {
		if _, err := Default(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewMatcher measures compiling the built-in rules into a
// matcher.
func BenchmarkNewMatcher(b *testing.B) {
	set, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		NewMatcher(set, Options{})
	}
}
