package twiliotest

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Product hosts the emulator routes by. A request whose Host is not one of
// these is routed by its path alone (see hostForPath).
const (
	HostAPI        = "api.twilio.com"
	HostAccounts   = "accounts.twilio.com"
	HostIAM        = "iam.twilio.com"
	HostMonitor    = "monitor.twilio.com"
	HostVoice      = "voice.twilio.com"
	HostMessaging  = "messaging.twilio.com"
	HostVerify     = "verify.twilio.com"
	HostPreviewIAM = "preview-iam.twilio.com"
)

// Hosts lists every product host the emulator answers for.
func Hosts() []string {
	return []string{HostAPI, HostAccounts, HostIAM, HostMonitor, HostVoice, HostMessaging, HostVerify, HostPreviewIAM}
}

// guard says which credentials may use a route besides the permission
// check for Restricted keys.
type guard int

const (
	guardNone  guard = iota // any credential of the account (Restricted: by policy)
	guardAdmin              // Auth Token or Main key only: Accounts, Keys, AuthTokens
)

// route is one emulated endpoint.
type route struct {
	host      string
	method    string
	pattern   []string // path segments; "{Name}" captures; v2010 without ".json"
	perm      string   // permission a Restricted key needs
	guard     guard
	anyStatus bool // answers for a suspended or closed target (Accounts)
	target    targetKind
	handle    func(*call)
}

// targetKind says how a route finds the account it acts on.
type targetKind int

const (
	targetPath      targetKind = iota // {AccountSid} in the path
	targetPrincipal                   // the credential's own account
	targetParam                       // AccountSid form/query parameter (iam v1 Keys)
	targetKeySID                      // the account owning {Sid} (iam v1 Keys/{Sid})
)

// call is one request being answered.
type call struct {
	e      *Emulator
	r      *http.Request
	w      *recorder
	host   string
	path   string // as requested
	params map[string]string
	form   url.Values
	now    time.Time
	who    *principal
	acct   *account // target account
}

// param returns a form or query parameter.
func (c *call) param(name string) string { return c.form.Get(name) }

// canonicalHost maps a request Host to a product host ("" if not Twilio).
func canonicalHost(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	h = strings.ToLower(strings.TrimSuffix(h, "."))
	for _, p := range Hosts() {
		if h == p {
			return p
		}
		// product.edge.region.twilio.com and product.region.twilio.com
		prod := strings.TrimSuffix(p, ".twilio.com")
		if strings.HasPrefix(h, prod+".") && strings.HasSuffix(h, ".twilio.com") {
			return p
		}
	}
	return ""
}

// hostForPath guesses the product host of a request sent to the emulator's
// own address (no Twilio Host header), so a plain HTTP client pointed at the
// emulator works too. The only ambiguous path, /v1/Services, is Messaging;
// Verify's is /v2/Services.
func hostForPath(p string) string {
	switch {
	case strings.HasPrefix(p, "/2010-04-01/"):
		return HostAPI
	case strings.HasPrefix(p, "/v1/Keys"), strings.HasPrefix(p, "/v1/Roles"):
		return HostIAM
	case strings.HasPrefix(p, "/v1/AuthTokens"), strings.HasPrefix(p, "/v1/Credentials"), strings.HasPrefix(p, "/v1/SafeList"):
		return HostAccounts
	case strings.HasPrefix(p, "/v1/Events"), strings.HasPrefix(p, "/v1/Alerts"):
		return HostMonitor
	case strings.HasPrefix(p, "/v1/DialingPermissions"), strings.HasPrefix(p, "/v1/Settings"):
		return HostVoice
	case strings.HasPrefix(p, "/v1/Services"):
		return HostMessaging
	case strings.HasPrefix(p, "/v2/Services"):
		return HostVerify
	}
	return ""
}

// match finds the route for a request. found is false when no route has
// the path; allowed lists the methods that the path accepts.
func (e *Emulator) match(host, method, p string) (rt *route, params map[string]string, allowed []string) {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	for i := range e.routes {
		r := &e.routes[i]
		if r.host != host {
			continue
		}
		got, ok := matchSegs(r.pattern, segs)
		if !ok {
			continue
		}
		if r.method != method {
			allowed = append(allowed, r.method)
			continue
		}
		return r, got, nil
	}
	return nil, nil, allowed
}

func matchSegs(pattern, segs []string) (map[string]string, bool) {
	if len(pattern) != len(segs) {
		return nil, false
	}
	var got map[string]string
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") {
			if segs[i] == "" {
				return nil, false
			}
			if got == nil {
				got = map[string]string{}
			}
			got[strings.Trim(p, "{}")] = segs[i]
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return got, true
}

// handle routes, authenticates, authorises and answers one request.
func (e *Emulator) handle(w *recorder, r *http.Request) {
	host := canonicalHost(r.Host)
	if host == "" {
		host = hostForPath(r.URL.Path)
	}
	p := r.URL.Path
	matchPath := p
	wantsXML := false
	if host == HostAPI {
		switch {
		case strings.HasSuffix(p, ".json"):
			matchPath = strings.TrimSuffix(p, ".json")
		case strings.HasSuffix(p, ".xml"), strings.HasSuffix(p, ".csv"):
			matchPath, wantsXML = p[:strings.LastIndexByte(p, '.')], true
		default:
			wantsXML = true
		}
	}
	rt, params, allowed := e.match(host, r.Method, matchPath)
	if rt == nil {
		if len(allowed) > 0 {
			w.header.Set("Allow", strings.Join(allowed, ", "))
			w.writeError(newError(405, CodeMethodNotAllowed, "Method not allowed"))
			return
		}
		w.writeError(errNotFound(notFoundPath(host, p)))
		return
	}
	if wantsXML {
		w.writeXMLError(matchPath)
		return
	}
	if err := r.ParseForm(); err != nil {
		w.writeError(errParam("cannot parse the request parameters: %v", err))
		return
	}
	c := &call{e: e, r: r, w: w, host: host, path: p, params: params, form: r.Form, now: e.Now()}
	e.mu.Lock()
	defer e.mu.Unlock()
	if apiErr, ok := e.authorize(c, rt); !ok {
		w.writeError(apiErr)
		return
	}
	rt.handle(c)
}

// notFoundPath is the path Twilio names in a 404 message: v1 APIs name it
// without the version prefix ("/AuthTokens/Promote").
func notFoundPath(host, p string) string {
	if host != HostAPI {
		if i := strings.IndexByte(strings.TrimPrefix(p, "/"), '/'); i >= 0 && strings.HasPrefix(p, "/v") {
			return p[i+1:]
		}
	}
	return p
}
