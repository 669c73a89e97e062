package main

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/vigilsec/vigil/webhook"
)

// forgery is one way to fake a webhook. It gets a genuine form and its
// signature and returns the request to send.
type forgery struct {
	name string
	make func(rng *rand.Rand, s *signer, host string, form url.Values, sig string) []byte
}

func formReq(host, path, ctype string, sigs []string, body []byte) []byte {
	hdr := http.Header{forgedHeader: {"1"}}
	if ctype != "" {
		hdr.Set("Content-Type", ctype)
	}
	for _, s := range sigs {
		hdr.Add(webhook.SignatureHeader, s)
	}
	return rawRequest(http.MethodPost, path, host, hdr, body)
}

const formType = "application/x-www-form-urlencoded"

// flip changes one byte of s to a different printable byte.
func flip(rng *rand.Rand, s string) string {
	if s == "" {
		return "x"
	}
	b := []byte(s)
	i := rng.IntN(len(b))
	c := b[i]
	for c == b[i] {
		c = byte(33 + rng.IntN(94))
	}
	b[i] = c
	return string(b)
}

func randomSig(rng *rand.Rand) string {
	b := make([]byte, 20)
	for i := range b {
		b[i] = byte(rng.UintN(256))
	}
	return base64.StdEncoding.EncodeToString(b)
}

// unsortedSig signs the parameters in a random order, a common bug.
func unsortedSig(rng *rand.Rand, token, u string, form url.Values) string {
	names := make([]string, 0, len(form))
	for k := range form {
		names = append(names, k)
	}
	sort.Strings(names)
	rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	mac := hmac.New(sha1.New, []byte(token))
	mac.Write([]byte(u))
	for _, k := range names {
		mac.Write([]byte(k + form.Get(k)))
	}
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func anyKey(rng *rand.Rand, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys[rng.IntN(len(keys))]
}

func forgeries() []forgery {
	u := publicBase + "/sms"
	return []forgery{
		{"no signature", func(_ *rand.Rand, _ *signer, h string, f url.Values, _ string) []byte {
			return formReq(h, "/sms", formType, nil, []byte(f.Encode()))
		}},
		{"random signature", func(r *rand.Rand, _ *signer, h string, f url.Values, _ string) []byte {
			return formReq(h, "/sms", formType, []string{randomSig(r)}, []byte(f.Encode()))
		}},
		{"signed with another token", func(r *rand.Rand, _ *signer, h string, f url.Values, _ string) []byte {
			return formReq(h, "/sms", formType, []string{webhook.Sign(flip(r, "another-token-0000"), u, f)}, []byte(f.Encode()))
		}},
		{"one signature byte changed", func(r *rand.Rand, _ *signer, h string, f url.Values, sig string) []byte {
			return formReq(h, "/sms", formType, []string{flip(r, sig)}, []byte(f.Encode()))
		}},
		{"lower-cased signature", func(_ *rand.Rand, _ *signer, h string, f url.Values, sig string) []byte {
			if strings.ToLower(sig) == sig {
				sig = strings.ToUpper(sig)
			} else {
				sig = strings.ToLower(sig)
			}
			return formReq(h, "/sms", formType, []string{sig}, []byte(f.Encode()))
		}},
		{"signature padding stripped", func(_ *rand.Rand, _ *signer, h string, f url.Values, sig string) []byte {
			return formReq(h, "/sms", formType, []string{strings.TrimRight(sig, "=")}, []byte(f.Encode()))
		}},
		{"garbage signature header", func(r *rand.Rand, _ *signer, h string, f url.Values, _ string) []byte {
			g := make([]byte, 1+r.IntN(60))
			for i := range g {
				g[i] = byte(33 + r.IntN(94))
			}
			return formReq(h, "/sms", formType, []string{string(g)}, []byte(f.Encode()))
		}},
		{"genuine + forged signature headers", func(r *rand.Rand, _ *signer, h string, f url.Values, sig string) []byte {
			return formReq(h, "/sms", formType, []string{sig, randomSig(r)}, []byte(f.Encode()))
		}},
		{"parameter value changed", func(r *rand.Rand, _ *signer, h string, f url.Values, sig string) []byte {
			k := anyKey(r, f)
			f.Set(k, flip(r, f.Get(k)))
			return formReq(h, "/sms", formType, []string{sig}, []byte(f.Encode()))
		}},
		{"parameter added", func(r *rand.Rand, _ *signer, h string, f url.Values, sig string) []byte {
			f.Add("Injected", flip(r, "value"))
			return formReq(h, "/sms", formType, []string{sig}, []byte(f.Encode()))
		}},
		{"parameter removed", func(r *rand.Rand, _ *signer, h string, f url.Values, sig string) []byte {
			f.Del(anyKey(r, f))
			return formReq(h, "/sms", formType, []string{sig}, []byte(f.Encode()))
		}},
		{"parameter name case changed", func(r *rand.Rand, _ *signer, h string, f url.Values, sig string) []byte {
			k := anyKey(r, f)
			v := f.Get(k)
			f.Del(k)
			f.Set(strings.ToLower(k), v)
			return formReq(h, "/sms", formType, []string{sig}, []byte(f.Encode()))
		}},
		{"other path", func(_ *rand.Rand, _ *signer, h string, f url.Values, sig string) []byte {
			return formReq(h, "/voice", formType, []string{sig}, []byte(f.Encode()))
		}},
		{"query added", func(r *rand.Rand, _ *signer, h string, f url.Values, sig string) []byte {
			return formReq(h, "/sms?"+flip(r, "x")+"=1", formType, []string{sig}, []byte(f.Encode()))
		}},
		{"params moved to the query", func(_ *rand.Rand, _ *signer, h string, f url.Values, sig string) []byte {
			return formReq(h, "/sms?"+f.Encode(), "", []string{sig}, nil)
		}},
		{"signed for https, sent to http", func(_ *rand.Rand, s *signer, h string, f url.Values, _ string) []byte {
			return formReq(h, "/sms", formType, []string{webhook.Sign(s.token, strings.Replace(u, "http:", "https:", 1), f)}, []byte(f.Encode()))
		}},
		{"params signed unsorted", func(r *rand.Rand, s *signer, h string, f url.Values, _ string) []byte {
			sig := unsortedSig(r, s.token, u, f)
			if sig == webhook.Sign(s.token, u, f) { // shuffled into sorted order: reverse
				f.Add("Zz", "1")
			}
			return formReq(h, "/sms", formType, []string{sig}, []byte(f.Encode()))
		}},
		{"form body sent as text/plain", func(_ *rand.Rand, _ *signer, h string, f url.Values, sig string) []byte {
			return formReq(h, "/sms", "text/plain", []string{sig}, []byte(f.Encode()))
		}},
		{"invalid percent-encoding", func(_ *rand.Rand, _ *signer, h string, f url.Values, sig string) []byte {
			return formReq(h, "/sms", formType, []string{sig}, []byte(f.Encode()+"&Body=%zz"))
		}},
		{"JSON body swapped under bodySHA256", func(r *rand.Rand, s *signer, h string, _ url.Values, _ string) []byte {
			body := []byte(fmt.Sprintf(`{"n":%d}`, r.Int()))
			signed, sig := webhook.SignJSON(s.token, u, body)
			path := strings.TrimPrefix(signed, publicBase)
			return formReq(h, path, "application/json", []string{sig}, []byte(`{"n":"forged"}`))
		}},
		{"JSON body without bodySHA256", func(_ *rand.Rand, s *signer, h string, _ url.Values, _ string) []byte {
			return formReq(h, "/sms", "application/json", []string{webhook.Sign(s.token, u, nil)}, []byte(`{"n":1}`))
		}},
	}
}

// forgeStats counts what the forgery run saw.
type forgeStats struct {
	mu         sync.Mutex
	sent       int64
	accepted   int64 // forged requests answered 2xx (must be 0)
	byName     map[string]int64
	byStatus   map[int]int64
	genuine    int64
	genuineOK  int64
	replays    int64
	replayOK   int64 // replays answered 2xx (must be 0)
	transport  int64
	acceptedBy map[string]int64
}

// forge sends n forged requests (plus a genuine one, and its replay, for
// every tenth) from conns connections, with a seeded random source.
func forge(addr string, s *signer, n int, conns int, seed uint64) *forgeStats {
	st := &forgeStats{byName: map[string]int64{}, byStatus: map[int]int64{}, acceptedBy: map[string]int64{}}
	fs := forgeries()
	var wg sync.WaitGroup
	per := (n + conns - 1) / conns
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(w)))
			c := &conn{addr: addr}
			defer c.close()
			for i := range per {
				if i%10 == 0 {
					st.genuineAndReplay(c, s, addr)
				}
				f := fs[rng.IntN(len(fs))]
				form := s.form(s.seq.Add(1))
				sig := webhook.Sign(s.token, publicBase+"/sms", form)
				status, err := c.do(f.make(rng, s, addr, form, sig))
				st.record(f.name, status, err)
			}
		}()
	}
	wg.Wait()
	return st
}

func (st *forgeStats) genuineAndReplay(c *conn, s *signer, host string) {
	req := s.next(host)
	status, err := c.do(req)
	// The replay is the same bytes plus the forged marker, which no
	// signature covers.
	replay := strings.Replace(string(req), "\r\n\r\n", "\r\n"+forgedHeader+": replay\r\n\r\n", 1)
	rstatus, rerr := c.do([]byte(replay))
	st.mu.Lock()
	defer st.mu.Unlock()
	st.genuine++
	if err == nil && status == 200 {
		st.genuineOK++
	}
	st.replays++
	if rerr == nil && rstatus/100 == 2 {
		st.replayOK++
	}
}

func (st *forgeStats) record(name string, status int, err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.sent++
	st.byName[name]++
	if err != nil {
		st.transport++
		return
	}
	st.byStatus[status]++
	if status/100 == 2 {
		st.accepted++
		st.acceptedBy[name]++
	}
}
