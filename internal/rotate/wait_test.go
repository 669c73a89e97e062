package rotate

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// healthServer answers 503 until healthy is set.
func healthServer(t *testing.T, healthy *atomic.Bool, polls *atomic.Int32) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if polls.Add(1); !healthy.Load() {
			w.WriteHeader(503)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestHealthURL(t *testing.T) {
	e := newEnv(t, twiliotest.KeySeed{})
	var healthy atomic.Bool
	var polls atomic.Int32
	url := healthServer(t, &healthy, &polls)
	r := e.runner(t)
	r.HealthInterval = time.Millisecond
	// Healthy after a few polls: the rotation goes through.
	r.Progress = func(msg string) {
		if strings.HasPrefix(msg, "polling") {
			go func() {
				for polls.Load() < 3 {
					time.Sleep(time.Millisecond)
				}
				healthy.Store(true)
			}()
		}
	}
	if _, err := r.RotateKey(context.Background(), KeyRequest{Key: e.old.SID, HealthURL: url, HealthTimeout: time.Minute}); err != nil {
		t.Fatal(err)
	}
	if polls.Load() < 3 {
		t.Errorf("%d polls", polls.Load())
	}
	e.checkWorking(t)
}

func TestHealthURLNeverHealthy(t *testing.T) {
	e := newEnv(t, twiliotest.KeySeed{})
	var healthy atomic.Bool
	var polls atomic.Int32
	url := healthServer(t, &healthy, &polls)
	r := e.runner(t)
	r.HealthInterval = time.Millisecond
	_, err := r.RotateKey(context.Background(), KeyRequest{Key: e.old.SID, HealthURL: url, HealthTimeout: 500 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "did not answer 2xx") || !strings.Contains(err.Error(), "503") {
		t.Fatalf("err = %v", err)
	}
	re := errState(t, err)
	if !strings.Contains(re.Next, "--resume") {
		t.Errorf("next %q", re.Next)
	}
	if _, ok := e.srv.Key(e.old.SID); !ok {
		t.Fatal("the old key was deleted although services were not healthy")
	}
	e.checkWorking(t)
	// Healthy now: resume polls again and finishes.
	healthy.Store(true)
	recs, _, err := LoadFor(e.journal, e.acct.SID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.runner(t).Resume(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.srv.Key(e.old.SID); ok {
		t.Error("the old key survived the resume")
	}
	e.checkWorking(t)
}
