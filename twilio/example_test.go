package twilio_test

import (
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/vigilsec/vigil/twilio"
)

// A token endpoint in a Go app: one line for the key, one for the route,
// one to say who the caller is and what they may do.
func ExampleSigningKey_Handler() {
	key, err := twilio.NewSigningKey(os.Getenv("TWILIO_ACCOUNT_SID"), os.Getenv("TWILIO_API_KEY"), os.Getenv("TWILIO_API_SECRET"))
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("/token", key.Handler(func(r *http.Request) (twilio.Claims, error) {
		user, err := currentUser(r) // your app's own authentication
		return twilio.Claims{Identity: user, Grants: []twilio.Grant{twilio.VideoGrant{Room: "standup"}}, TTL: 5 * time.Minute}, err
	}))
}

func currentUser(r *http.Request) (string, error) {
	if c, err := r.Cookie("session"); err == nil && c.Value != "" {
		return "alice", nil
	}
	return "", errors.New("not signed in")
}

func ExampleSigningKey_Mint() {
	key, err := twilio.NewSigningKey("AC"+strings.Repeat("a", 32), "SK"+strings.Repeat("b", 32), "secret")
	if err != nil {
		log.Fatal(err)
	}
	tok, err := key.Mint(twilio.Claims{
		Identity:  "alice",
		Grants:    []twilio.Grant{twilio.VideoGrant{Room: "room1"}},
		TTL:       5 * time.Minute,
		NotBefore: time.Unix(1700000000, 0),
	})
	if err != nil {
		log.Fatal(err)
	}
	at, err := twilio.ParseAccessToken(tok)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(at.Identity, at.Lifetime(), at.Verify("secret") == nil)
	for _, k := range at.GrantKeys() {
		fmt.Println(twilio.FormatGrant(k, at.Grants[k]))
	}
	// Output:
	// alice 5m0s true
	// video:room=room1
}

func ExampleParseGrant() {
	g, err := twilio.ParseGrant("voice:outgoing.application_sid=APxxxx,incoming.allow=true")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(g.Key(), g.Payload())
	// Output: voice map[incoming:map[allow:true] outgoing:map[application_sid:APxxxx]]
}
