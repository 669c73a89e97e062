package twiliotest

import (
	"net/http/httptest"
	"testing"
)

// Server is an Emulator listening on a loopback address, for tests.
type Server struct {
	*Emulator
	// URL is the base URL of the emulator, e.g. http://127.0.0.1:41234.
	// Point a client's base URL (rest.Config.BaseURL) here.
	URL string
	srv *httptest.Server
}

// NewServer starts an emulator on 127.0.0.1 and closes it when the test
// ends.
func NewServer(t testing.TB, opts Options) *Server {
	t.Helper()
	e := New(opts)
	hs := httptest.NewServer(e)
	s := &Server{Emulator: e, URL: hs.URL, srv: hs}
	t.Cleanup(s.Close)
	return s
}

// Close releases hanging requests and stops the server.
func (s *Server) Close() {
	s.Emulator.Close()
	s.srv.CloseClientConnections()
	s.srv.Close()
}
