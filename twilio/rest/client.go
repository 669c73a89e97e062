// Package rest builds clients of the official twilio-go SDK for vigil's
// Twilio features (verification, rotation, exposure, audit): credentials
// as vigil.Secret, a caller's context on every request, an optional base
// URL that sends every Twilio host to an emulator (twiliotest or
// `vigil twilio emulator`), and errors mapped into one small type (Error)
// that says whether Twilio gave a definitive answer.
//
//	c, err := rest.New(rest.Config{AccountSID: sid, Password: token, BaseURL: srv.URL})
//	api := c.Services(ctx)
//	acct, err := api.Api.FetchAccount(sid)
//	if e := rest.Classify("fetch account", err); e != nil && e.Definitive() { … }
package rest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	twclient "github.com/twilio/twilio-go/client"
	accounts "github.com/twilio/twilio-go/rest/accounts/v1"
	api "github.com/twilio/twilio-go/rest/api/v2010"
	iam "github.com/twilio/twilio-go/rest/iam/v1"
	messaging "github.com/twilio/twilio-go/rest/messaging/v1"
	monitor "github.com/twilio/twilio-go/rest/monitor/v1"
	verify "github.com/twilio/twilio-go/rest/verify/v2"
	voice "github.com/twilio/twilio-go/rest/voice/v1"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/endpoint"
	"github.com/vigilsec/vigil/twilio"
)

// DefaultTimeout bounds one HTTP request when Config.Timeout is zero
// (twilio-go's own default).
const DefaultTimeout = 10 * time.Second

// Config says how to reach Twilio and as whom.
type Config struct {
	// AccountSID fills the {AccountSid} of v2010 paths. Required.
	AccountSID string
	// Username is the Basic-auth user: an API key SID (SK…) or the Account
	// SID. Empty means AccountSID (Auth Token authentication).
	Username string
	// Password is the Auth Token or the API key secret.
	Password vigil.Secret
	// BaseURL, when set, receives every request for a Twilio host (the
	// Host header keeps the product host). Empty means Twilio itself. It
	// must pass endpoint.ParseBase (no credentials in it; plain http only
	// to a loopback address); a command that takes it from its user
	// applies endpoint.Policy first.
	BaseURL string
	// HTTPClient is the client to start from; its Transport is wrapped,
	// never modified. Nil means a client that does not follow redirects.
	HTTPClient *http.Client
	// Timeout bounds each request; zero means DefaultTimeout.
	Timeout time.Duration
	// ClientValidation, when set, is sent as the Twilio-Client-Validation
	// header (accounts that enforce Public Key Client Validation).
	ClientValidation vigil.Secret
}

// Client makes SDK service sets bound to a context.
type Client struct {
	cfg       Config
	transport http.RoundTripper
	timeout   time.Duration
	redirects func(*http.Request, []*http.Request) error
}

// New checks a Config and returns a Client. It makes no request.
func New(cfg Config) (*Client, error) {
	if !twilio.IsAccountSID(cfg.AccountSID) {
		return nil, fmt.Errorf("twilio client: account SID must be AC followed by 32 hex digits")
	}
	if cfg.Username == "" {
		cfg.Username = cfg.AccountSID
	}
	if !twilio.IsSID(cfg.Username, twilio.AccountPrefix, twilio.KeyPrefix) {
		return nil, fmt.Errorf("twilio client: username must be an Account SID (AC…) or API key SID (SK…)")
	}
	if cfg.Password.IsZero() {
		return nil, fmt.Errorf("twilio client: no Auth Token or key secret")
	}
	c := &Client{cfg: cfg, timeout: cfg.Timeout, transport: http.DefaultTransport,
		redirects: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	var base *url.URL
	if cfg.BaseURL != "" {
		var err error
		if base, err = endpoint.ParseBase(cfg.BaseURL); err != nil {
			return nil, fmt.Errorf("twilio client: %w", err)
		}
		c.transport = endpoint.Transport()
	}
	if cfg.HTTPClient != nil {
		if cfg.HTTPClient.Transport != nil {
			c.transport = cfg.HTTPClient.Transport
		}
		if cfg.HTTPClient.CheckRedirect != nil {
			c.redirects = cfg.HTTPClient.CheckRedirect
		}
	}
	if !cfg.ClientValidation.IsZero() {
		c.transport = &header{name: "Twilio-Client-Validation", value: cfg.ClientValidation, next: c.transport}
	}
	if base != nil {
		c.transport = Redirect(base, c.transport)
	}
	return c, nil
}

// Username is the SID the client authenticates as.
func (c *Client) Username() string { return c.cfg.Username }

// AccountSID is the account the client acts on.
func (c *Client) AccountSID() string { return c.cfg.AccountSID }

// Services are the twilio-go API services vigil uses, bound to one
// context: every request they make ends when it does.
type Services struct {
	Api         *api.ApiService       // api.twilio.com/2010-04-01
	IamV1       *iam.ApiService       // iam.twilio.com/v1 (Keys)
	AccountsV1  *accounts.ApiService  // accounts.twilio.com/v1 (AuthTokens, PublicKeys)
	MonitorV1   *monitor.ApiService   // monitor.twilio.com/v1 (Events, Alerts)
	VoiceV1     *voice.ApiService     // voice.twilio.com/v1 (DialingPermissions)
	MessagingV1 *messaging.ApiService // messaging.twilio.com/v1 (Services)
	VerifyV2    *verify.ApiService    // verify.twilio.com/v2 (Services)
	// Handler builds any other twilio-go service the same way:
	// pkg.NewApiService(s.Handler).
	Handler *twclient.RequestHandler
}

// Services returns SDK services whose requests carry ctx.
func (c *Client) Services(ctx context.Context) *Services {
	h := c.Handler(ctx)
	return &Services{
		Api: api.NewApiService(h), IamV1: iam.NewApiService(h), AccountsV1: accounts.NewApiService(h),
		MonitorV1: monitor.NewApiService(h), VoiceV1: voice.NewApiService(h),
		MessagingV1: messaging.NewApiService(h), VerifyV2: verify.NewApiService(h), Handler: h,
	}
}

// Handler returns a twilio-go request handler bound to ctx. With a
// BaseURL, TWILIO_EDGE and TWILIO_REGION are ignored (they would rewrite
// the hosts the emulator routes by).
func (c *Client) Handler(ctx context.Context) *twclient.RequestHandler {
	sdk := &twclient.Client{
		Credentials: twclient.NewCredentials(c.cfg.Username, c.cfg.Password.Reveal()),
		HTTPClient: &http.Client{
			Transport:     &withContext{ctx: ctx, next: c.transport},
			Timeout:       c.timeout,
			CheckRedirect: c.redirects,
		},
	}
	sdk.SetAccountSid(c.cfg.AccountSID)
	h := twclient.NewRequestHandler(sdk)
	if c.cfg.BaseURL != "" {
		h.Edge, h.Region = "", ""
	}
	return h
}

// header adds one header to every request.
type header struct {
	name  string
	value vigil.Secret
	next  http.RoundTripper
}

// RoundTrip sets the header on a copy of the request.
func (t *header) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Set(t.name, t.value.Reveal())
	return t.next.RoundTrip(r)
}
