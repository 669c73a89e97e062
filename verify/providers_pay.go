package verify

import (
	"context"
	"net/http"
	"regexp"

	"github.com/vigilsec/vigil"
)

// Payment providers beyond Stripe and Square.
func payProviders() []Provider {
	return []Provider{
		{
			Name: "adyen",
			Endpoints: []Endpoint{
				{"GET", "https://management-live.adyen.com/v3/me", "the API credential's own record (live)"},
				{"GET", "https://management-test.adyen.com/v3/me", "the API credential's own record (test)"},
			},
			Check: checkAdyen,
		},
		{
			Name:      "razorpay",
			Endpoints: []Endpoint{{"GET", "https://api.razorpay.com/v1/payments", "is the key pair live (count=1)"}},
			Check:     checkRazorpay,
		},
	}
}

// checkAdyen asks the live Management API, then the test one: an API key
// belongs to one environment, so only two refusals make it Invalid.
func checkAdyen(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	r, i, err := firstAnswer(ctx, c, []string{"https://management-live.adyen.com/v3/me", "https://management-test.adyen.com/v3/me"},
		header("X-API-Key", cred.Secret.Reveal()))
	if err != nil {
		return Failed(err)
	}
	facts, v, done := success(r, []int{http.StatusUnauthorized}, "id",
		map[string]string{"company": "companyName", "credential": "username", "active": "active"})
	if done {
		return v
	}
	facts["environment"] = []string{"live", "test"}[i]
	return Valid(facts)
}

var razorpayKeyIDRE = regexp.MustCompile(`^rzp_(live|test)_[A-Za-z0-9]{14}$`)

// checkRazorpay lists one payment with the key ID and secret (Basic
// auth); Razorpay refuses a wrong pair with 401.
func checkRazorpay(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	id := cred.Part("key_id").Reveal()
	m := razorpayKeyIDRE.FindStringSubmatch(id)
	if m == nil {
		return NotVerifiable("a Razorpay key secret is verified with its key ID (rzp_live_… or rzp_test_…), and none was found nearby")
	}
	r, err := c.Get(ctx, "https://api.razorpay.com/v1/payments?count=1", basic(id, cred.Secret.Reveal()))
	if err != nil {
		return Failed(err)
	}
	facts, v, done := success(r, []int{http.StatusUnauthorized}, "entity", nil)
	if done {
		return v
	}
	facts["mode"] = m[1]
	return Valid(facts)
}
