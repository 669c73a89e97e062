package webhook_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/vigilsec/vigil/webhook"
)

// Middleware in front of an app's webhook handler: a request Twilio signed
// with the account's Auth Token reaches the handler, with its form intact;
// a forged one is answered 403 and never does.
func ExampleMiddleware() {
	// In an app: webhook.NewKeyring(os.Getenv("TWILIO_AUTH_TOKEN")).
	token := "example-auth-token"
	v := &webhook.Validator{Keys: webhook.NewKeyring(token)}
	sms := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "message from %s", r.PostFormValue("From"))
	})
	srv := httptest.NewServer(webhook.Middleware(sms, v))
	defer srv.Close()

	form := url.Values{"From": {"+15005550006"}, "Body": {"hello"}}
	post := func(signature string) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/sms", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", signature)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		fmt.Println(resp.StatusCode, strings.TrimSpace(string(body)))
	}
	post(webhook.Sign(token, srv.URL+"/sms", form)) // what Twilio sends
	post(webhook.Sign("another-token", srv.URL+"/sms", form))
	// Output:
	// 200 message from +15005550006
	// 403 signature does not match
}
