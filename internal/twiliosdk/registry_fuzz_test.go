package twiliosdk

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
)

// bodyTransport answers every request with one body.
type bodyTransport []byte

func (b bodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Body: io.NopCloser(bytes.NewReader(b)), Header: http.Header{}, Request: r}, nil
}

// FuzzRegistryAnswers feeds each registry's reader an arbitrary answer:
// none panics, and every release it returns has a version that orders.
func FuzzRegistryAnswers(f *testing.F) {
	for _, s := range []string{
		`{"versions": {"6.0.2": {}}, "time": {"6.0.2": "2026-05-07T10:00:00.000Z"}}`,
		`{"releases": {"9.11.0": [{"upload_time_iso_8601": "2026-08-11T00:00:00Z", "yanked": false}]}}`,
		`{"response": {"docs": [{"v": "12.0.0", "timestamp": 1776729600000}]}}`,
		`{"versions": ["7.14.9"]}`,
		`{"packages": {"twilio/sdk": [{"version": "8.12.0", "time": "2026-08-14T00:00:00+00:00"}]}}`,
		`[{"number": "7.11.1", "created_at": "2026-08-13T00:00:00.000Z"}]`,
		"v1.30.9\nv1.30.8\n",
	} {
		f.Add([]byte(s))
	}
	tab, err := Embedded()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fe := Fetcher{Client: &http.Client{Transport: bodyTransport(body)}, Registries: RegistriesAt("http://registry.test")}
		for i := range tab.Libraries {
			rels, err := fe.releases(context.Background(), &tab.Libraries[i])
			if err != nil {
				continue
			}
			for _, r := range rels {
				if r.Version.IsZero() {
					t.Errorf("%s: a release without a version", tab.Libraries[i].Ecosystem)
				}
			}
		}
	})
}
