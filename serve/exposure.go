package serve

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/internal/exposure"
	"github.com/vigilsec/vigil/twilio/rest"
)

// exposureData is an incident's exposure report.
type exposureData struct {
	Incident store.Incident   `json:"incident"`
	Report   *exposure.Report `json:"report"`
}

// firstExposed is when the secret was first exposed: the earliest commit
// date of its occurrences, else when the fleet first saw it.
func firstExposed(in store.Incident) time.Time {
	t := in.FirstSeen
	for _, o := range in.Occurrences {
		if !o.Date.IsZero() && o.Date.Before(t) {
			t = o.Date
		}
	}
	return t
}

// exposure runs the exposure check of a Twilio credential for the window
// since its first commit, as 'vigil twilio exposure' does.
func (s *Server) exposure(r *http.Request, _ *rc) (view, error) {
	tw, err := s.twilioOr503()
	if err != nil {
		return view{}, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return view{}, err
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
	defer cancel()
	in, err := s.st.Incident(ctx, id)
	if err != nil {
		return view{}, err
	}
	vs, err := s.st.Verifications(ctx, id)
	if err != nil {
		return view{}, err
	}
	cred := twilioCredOf(in, vs)
	if cred == nil {
		return view{}, badRequest("incident %d (%s) is not a Twilio credential", id, in.Rule)
	}
	credURI := ""
	if t, err := s.targetFor(ctx, in, cred.Account); err == nil {
		credURI = t.CredentialsURI
	}
	cr, err := tw.loadCreds(ctx, credURI, cred.Account)
	if err != nil {
		return view{}, err
	}
	acting, err := cr.client(cr.username, cr.secret)
	if err != nil {
		return view{}, err
	}
	o := exposure.Options{Since: firstExposed(in), Until: s.now(), Credential: cred.Key}
	o.Defaults()
	f := &exposure.Fetcher{Client: acting, ClientFor: func(sid string, tok vigil.Secret) (*rest.Client, error) {
		return rest.New(rest.Config{AccountSID: sid, Password: tok, BaseURL: cr.baseURL})
	}}
	data, err := f.Fetch(ctx, o.Since.Add(-o.Baseline), o.Until)
	if err != nil {
		return view{}, fmt.Errorf("read the account's activity from Twilio: %w", err)
	}
	rep := exposure.Analyze(data, o)
	return view{Template: "exposure", Title: fmt.Sprintf("Exposure of incident %d", id), Data: exposureData{Incident: in, Report: rep}}, nil
}
