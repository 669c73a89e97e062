package rules

import (
	"math/rand/v2"
	"testing"
)

func TestWholeIdentifier(t *testing.T) {
	for _, tc := range []struct {
		v    string
		want bool
	}{
		{"testRSA2048PrivateKey", true},
		{"encryptionKey1024", true},
		{"defaultSigningKeyV2", true},
		{"HMACSecretKey", true},
		{"apiKey", true},
		{"password", false},          // one word, not camelCase
		{"API_KEY_VALUE", false},     // not camelCase (isWordLike's business)
		{"aB3dE9fGh2JkL", false},     // short random parts
		{"sk9Kd83JdPq0Xz", false},    // token-shaped
		{"Sunshine2024Rocks", false}, // one recognised word: left to the scoring
	} {
		if got := wholeIdentifier(tc.v); got != tc.want {
			t.Errorf("wholeIdentifier(%q) = %v, want %v", tc.v, got, tc.want)
		}
	}
}

// TestWholeIdentifierRandom checks that random mixed-case keys, the shape
// of many real API keys, are never taken for identifiers.
func TestWholeIdentifierRandom(t *testing.T) {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		b := make([]byte, 16+r.IntN(48))
		for j := range b {
			b[j] = alnum[r.IntN(len(alnum))]
		}
		if wholeIdentifier(string(b)) {
			t.Errorf("random key %q taken for an identifier", b)
		}
	}
}
