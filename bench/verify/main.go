// Command verify measures verification against the Twilio emulator on the
// wall clock: how many requests a run with many findings of few distinct
// credentials makes, and how closely the per-host rate limit holds as
// the emulator sees it.
//
//	go run ./bench/verify [-credentials 500] [-copies 20] [-rate 50] [-concurrency 8]
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/twilio/twiliotest"
	"github.com/vigilsec/vigil/verify"
)

func main() {
	creds := flag.Int("credentials", 500, "distinct credentials (one emulator account each)")
	copies := flag.Int("copies", 20, "findings of each credential")
	rate := flag.Float64("rate", 50, "verification requests per second per host")
	conc := flag.Int("concurrency", 8, "credentials verified at once")
	keys := flag.Bool("keys", false, "verify API keys (with their Account SID) instead of Auth Tokens")
	flag.Parse()
	if err := run(*creds, *copies, *rate, *conc, *keys); err != nil {
		fmt.Fprintln(os.Stderr, "verify bench:", err)
		os.Exit(1)
	}
}

// arrivals wraps the emulator and notes when each request arrives, by
// host, on the wall clock.
type arrivals struct {
	next http.Handler
	mu   sync.Mutex
	at   map[string][]time.Time
}

func (a *arrivals) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	a.mu.Lock()
	a.at[r.Host] = append(a.at[r.Host], now)
	a.mu.Unlock()
	a.next.ServeHTTP(w, r)
}

func run(creds, copies int, rate float64, conc int, keys bool) error {
	emu := twiliotest.New(twiliotest.Options{})
	arr := &arrivals{next: emu, at: map[string][]time.Time{}}
	srv := httptest.NewServer(arr)
	defer srv.Close()
	var fs []vigil.Finding
	for i := range creds {
		seed := twiliotest.AccountSeed{FriendlyName: fmt.Sprintf("acct-%d", i)}
		if keys {
			seed.Keys = []twiliotest.KeySeed{{FriendlyName: "ci"}}
		}
		a := emu.AddAccount(seed)
		for c := range copies {
			f := vigil.Finding{RuleID: "twilio-auth-token", Verifier: "twilio", Secret: a.AuthToken,
				Parts:  []vigil.Part{{Name: "account_sid", Value: vigil.NewSecret(a.SID)}},
				Origin: vigil.Origin{Path: fmt.Sprintf("svc%d/app.env", c), Line: 2}}
			if keys {
				k := a.Keys[0]
				f.RuleID, f.Secret = "twilio-api-key", k.Secret
				f.Parts = append(f.Parts, vigil.Part{Name: "api_key_sid", Value: vigil.NewSecret(k.SID)})
			}
			fs = append(fs, f)
		}
	}
	v, err := verify.New(verify.Options{Rate: rate, Burst: 1, Concurrency: conc, BaseURLs: map[string]string{"twilio": srv.URL}})
	if err != nil {
		return err
	}
	start := time.Now()
	st, err := v.VerifyAll(context.Background(), fs)
	if err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Printf("findings %d, distinct credentials %d, requests sent %d, served %d\n", len(fs), st.Credentials, st.Requests, emu.RequestCount(nil))
	fmt.Printf("verdicts: %d valid, %d invalid, %d unknown; took %s at %.0f/s per host, concurrency %d\n",
		st.Valid, st.Invalid, st.Unknown, took.Round(time.Millisecond), rate, conc)
	limit := 1 + int(rate) // burst 1 + rate·1s
	for host, at := range arr.at {
		sort.Slice(at, func(i, j int) bool { return at[i].Before(at[j]) })
		fmt.Printf("%s: %d requests; peak %d in any 1 s window (limit %d), peak %d in a calendar second\n",
			host, len(at), peakSliding(at, time.Second), limit, peakFixed(at))
	}
	return nil
}

// peakSliding is the most requests in any half-open window of length w.
func peakSliding(ts []time.Time, w time.Duration) int {
	best, j := 0, 0
	for i := range ts {
		for ts[i].Sub(ts[j]) >= w {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}

// peakFixed is the most requests in one calendar second.
func peakFixed(ts []time.Time) int {
	n := map[int64]int{}
	best := 0
	for _, t := range ts {
		n[t.Unix()]++
		best = max(best, n[t.Unix()])
	}
	return best
}
