// Command webhookbench measures vigil's webhook proxy on loopback against
// the upstream alone and nginx as a plain reverse proxy, runs fault
// scenarios (upstream down or hanging, slowloris, oversized requests) and
// a fuzzed forgery run. Run it with bench/webhook/run.sh.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"
)

type options struct {
	vigil, before, nginx string
	out                  string
	duration, latencyDur time.Duration
	conns, latencyConns  int
	rate                 float64
	rounds, forgeries    int
	seed                 uint64
	strict, checks       bool
	vigilEnv, only       string
}

func main() {
	var o options
	serve := flag.String("serve-upstream", "", "internal: run the upstream on `ADDR`")
	flag.StringVar(&o.vigil, "vigil", "", "vigil binary")
	flag.StringVar(&o.before, "vigil-before", "", "an earlier vigil `binary`, measured in the same rounds as \"vigil before\" (run.sh --before REV builds it)")
	flag.StringVar(&o.nginx, "nginx", "nginx", "nginx binary (empty: skip nginx)")
	flag.StringVar(&o.out, "out", "bench/out/webhook", "directory for logs and the report")
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "throughput phase per target and round")
	flag.IntVar(&o.rounds, "rounds", 5, "throughput rounds (targets alternate; ratios are taken round by round)")
	flag.IntVar(&o.conns, "conns", 32, "connections in the throughput phase")
	flag.DurationVar(&o.latencyDur, "latency-duration", 2*time.Second, "paced latency phase per target and round")
	flag.IntVar(&o.latencyConns, "latency-conns", 8, "connections in the latency phase")
	flag.Float64Var(&o.rate, "rate", 2000, "requests per second in the latency phase")
	flag.IntVar(&o.forgeries, "forgeries", 100000, "forged requests in the forgery run")
	flag.Uint64Var(&o.seed, "seed", 1, "seed of the forgery run")
	flag.BoolVar(&o.strict, "strict", false, "exit 1 when a performance target is missed too")
	flag.StringVar(&o.vigilEnv, "vigil-env", "", "extra `VAR=value` for the vigil proxies (e.g. GOMAXPROCS=1)")
	flag.StringVar(&o.only, "only", "", "measure only the targets whose name contains `TEXT` (e.g. vigil), for profiling")
	flag.BoolVar(&o.checks, "checks", true, "run the fault scenarios and the forgery run after the measurements")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *serve != "" {
		if err := serveUpstream(ctx, *serve); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	ok, err := run(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "webhookbench:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

// env is the set of processes under test.
type env struct {
	upstream, proxy, proxyDown, admin, nginx, before string
	procs                                            []*process
	pids                                             map[string]int // of the processes measured, by target name
}

func (e *env) stop() {
	for i := len(e.procs) - 1; i >= 0; i-- {
		e.procs[i].stop()
	}
}

func setup(ctx context.Context, o options, token string) (*env, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	addrs := freeAddrs(7)
	e := &env{upstream: addrs[0], proxy: addrs[1], proxyDown: addrs[2], admin: addrs[3], pids: map[string]int{}}
	deadUpstream := addrs[4] // nothing listens there
	p, err := start(ctx, "upstream", o.out, nil, self, "-serve-upstream", e.upstream)
	if err != nil {
		return e, err
	}
	e.procs = append(e.procs, p)
	e.pids["upstream alone"] = p.cmd.Process.Pid
	tokenEnv := []string{"TWILIO_AUTH_TOKEN=" + token}
	if o.vigilEnv != "" {
		tokenEnv = append(tokenEnv, o.vigilEnv)
	}
	common := []string{"webhook", "proxy", "--public-url", publicBase, "--upstream-timeout", "2s",
		"--read-header-timeout", "2s", "--read-timeout", "5s"}
	p, err = start(ctx, "vigil-proxy", o.out, tokenEnv, o.vigil, append(common, "--listen", e.proxy,
		"--upstream", "http://"+e.upstream, "--admin-listen", e.admin)...)
	if err != nil {
		return e, err
	}
	e.procs = append(e.procs, p)
	e.pids["vigil proxy"] = p.cmd.Process.Pid
	if o.before != "" {
		e.before = addrs[6]
		p, err = start(ctx, "vigil-before", o.out, tokenEnv, o.before, append(common, "--listen", e.before,
			"--upstream", "http://"+e.upstream)...)
		if err != nil {
			return e, err
		}
		e.procs = append(e.procs, p)
		e.pids["vigil before"] = p.cmd.Process.Pid
	}
	p, err = start(ctx, "vigil-proxy-down", o.out, tokenEnv, o.vigil, append(common, "--listen", e.proxyDown,
		"--upstream", "http://"+deadUpstream)...)
	if err != nil {
		return e, err
	}
	e.procs = append(e.procs, p)
	if o.nginx != "" {
		dir, _ := filepath.Abs(filepath.Join(o.out, "nginx"))
		os.MkdirAll(dir, 0o755)
		os.Remove(filepath.Join(dir, "nginx-access.log")) // a run's log, not every run's
		e.nginx = addrs[5]
		conf := filepath.Join(dir, "nginx.conf")
		if err := os.WriteFile(conf, []byte(nginxConf(dir, e.nginx, e.upstream)), 0o644); err != nil {
			return e, err
		}
		p, err = start(ctx, "nginx", o.out, nil, o.nginx, "-c", conf, "-p", dir, "-e", filepath.Join(dir, "nginx-stderr.log"))
		if err != nil {
			return e, err
		}
		e.procs = append(e.procs, p)
		e.pids["nginx proxy"] = p.cmd.Process.Pid
	}
	ready := []string{"http://" + e.upstream + "/__stats", "http://" + e.admin + "/healthz", "http://" + e.proxyDown + "/healthz"}
	if e.before != "" {
		ready = append(ready, "http://"+e.before+"/healthz")
	}
	for _, u := range ready {
		if err := waitHTTP(u); err != nil {
			return e, err
		}
	}
	if e.nginx != "" {
		if err := waitHTTP("http://" + e.nginx + "/__stats"); err != nil {
			return e, fmt.Errorf("nginx: %w (see %s)", err, filepath.Join(o.out, "nginx"))
		}
	}
	// A port taken between freeAddr and the bind makes a process exit
	// while another one answers in its place: measure nothing then.
	for _, p := range e.procs {
		if !p.alive() {
			return e, fmt.Errorf("%s exited at start (a port taken by another process?); see its log in %s", p.name, o.out)
		}
	}
	return e, nil
}

func run(ctx context.Context, o options) (bool, error) {
	if o.vigil == "" {
		return false, fmt.Errorf("-vigil is required (run bench/webhook/run.sh)")
	}
	if o.nginx != "" {
		if p, err := exec.LookPath(o.nginx); err != nil {
			return false, fmt.Errorf("nginx not found (apt-get install nginx, or -nginx '' to skip it): %w", err)
		} else {
			o.nginx = p
		}
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return false, err
	}
	tb := make([]byte, 16)
	rand.Read(tb)
	s := &signer{token: hex.EncodeToString(tb)}
	e, err := setup(ctx, o, s.token)
	defer e.stop()
	if err != nil {
		return false, err
	}
	var rep strings.Builder
	w := io.MultiWriter(os.Stdout, &rep)
	fmt.Fprintf(w, "webhook proxy bench — %s, %d CPUs, loopback only\n", time.Now().Format(time.RFC3339), runtime.NumCPU())
	fmt.Fprintf(w, "request: inbound-SMS form webhook, 19 params, %d bytes; every request unique and signed\n\n", len(s.next(e.proxy)))

	type target struct {
		name, addr string
		pid        int // of the process measured
	}
	targets := []target{{"upstream alone", e.upstream, e.pids["upstream alone"]}, {"vigil proxy", e.proxy, e.pids["vigil proxy"]}}
	if e.before != "" {
		targets = append(targets, target{"vigil before", e.before, e.pids["vigil before"]})
	}
	if e.nginx != "" {
		targets = append(targets, target{"nginx proxy", e.nginx, e.pids["nginx proxy"]})
	}
	if o.only != "" {
		targets = slices.DeleteFunc(targets, func(t target) bool { return !strings.Contains(t.name, o.only) })
	}
	for _, t := range targets { // warm up
		load(t.addr, s, o.conns, 0, time.Second)
	}
	fmt.Fprintf(w, "throughput: %d connections, as fast as answers come, %s × %d rounds per target\n", o.conns, o.duration, o.rounds)
	thr := map[string][]result{}
	cpu := map[string][]float64{} // proxy CPU seconds per request, round by round
	for round := range o.rounds {
		for i := range targets {
			t := targets[(i+round)%len(targets)]
			c0 := cpuSeconds(t.pid)
			r := load(t.addr, s, o.conns, 0, o.duration)
			if t.pid != 0 && r.requests > 0 {
				cpu[t.name] = append(cpu[t.name], (cpuSeconds(t.pid)-c0)/float64(r.requests))
			}
			thr[t.name] = append(thr[t.name], r)
		}
	}
	for _, t := range targets {
		for _, r := range thr[t.name] {
			fmt.Fprintf(w, "  %-15s %s\n", t.name, r)
		}
	}
	fmt.Fprintf(w, "\nlatency: %d connections paced to %.0f req/s in all, %s × %d rounds per target (p99 added: the median of the rounds' differences to the upstream alone)\n",
		o.latencyConns, o.rate, o.latencyDur, o.rounds)
	lat := map[string][]result{}
	for round := range o.rounds {
		for i := range targets {
			t := targets[(i+round)%len(targets)]
			lat[t.name] = append(lat[t.name], load(t.addr, s, o.latencyConns, o.rate, o.latencyDur))
		}
	}
	for _, t := range targets {
		for _, r := range lat[t.name] {
			fmt.Fprintf(w, "  %-15s %s\n", t.name, r)
		}
	}
	// added is a target's p99 over the upstream alone's, round by round.
	added := func(name string) (median time.Duration, each []time.Duration) {
		for i := range min(len(lat[name]), len(lat["upstream alone"])) {
			each = append(each, lat[name][i].pct(.99)-lat["upstream alone"][i].pct(.99))
		}
		if len(each) == 0 {
			return 0, nil
		}
		sorted := slices.Sorted(slices.Values(each))
		return sorted[len(sorted)/2], each
	}

	ok := true
	perfOK := true
	fmt.Fprintf(w, "\nratios and targets\n")
	for _, t := range targets {
		if t.pid != 0 {
			fmt.Fprintf(w, "  %-15s CPU per request       %.1fµs (user+system, all its processes; median of the rounds: %s)\n",
				t.name, median(cpu[t.name])*1e6, formatMicros(cpu[t.name]))
		}
	}
	if _, has := cpu["vigil before"]; has {
		r, each := pairRatio(cpu["vigil proxy"], cpu["vigil before"])
		fmt.Fprintf(w, "  vigil / vigil before CPU per request  %.2f× (median of the rounds: %s)\n", r, formatRatios(each))
	}
	if len(targets) < 2 || !o.checks {
		fmt.Fprintf(w, "\nresult: partial run (-only or -checks=false), no verdict\n")
		return true, nil
	}
	vu, _ := roundRatio(thr["vigil proxy"], thr["upstream alone"])
	fmt.Fprintf(w, "  vigil / upstream alone throughput     %.2f× (median of the rounds)\n", vu)
	if _, has := thr["nginx proxy"]; has {
		r, each := roundRatio(thr["vigil proxy"], thr["nginx proxy"])
		fmt.Fprintf(w, "  vigil / nginx throughput              %.2f×   target ≥ 0.70×  %s\n", r, verdict(r >= 0.7))
		fmt.Fprintf(w, "    round by round                      %s\n", formatRatios(each))
		perfOK = perfOK && r >= 0.7
		if _, has := thr["vigil before"]; has {
			r, each := roundRatio(thr["vigil before"], thr["nginx proxy"])
			fmt.Fprintf(w, "  vigil before / nginx throughput       %.2f×\n", r)
			fmt.Fprintf(w, "    round by round                      %s\n", formatRatios(each))
		}
		a, _ := added("nginx proxy")
		fmt.Fprintf(w, "  nginx p99 added over upstream (paced) %s\n", a.Round(time.Microsecond))
	}
	if _, has := thr["vigil before"]; has {
		r, _ := roundRatio(thr["vigil proxy"], thr["vigil before"])
		fmt.Fprintf(w, "  vigil / vigil before throughput       %.2f×\n", r)
		a, _ := added("vigil before")
		fmt.Fprintf(w, "  vigil before p99 added (paced)        %s\n", a.Round(time.Microsecond))
	}
	vigilAdded, each := added("vigil proxy")
	fmt.Fprintf(w, "  vigil p99 added over upstream (paced) %s   target < 1ms  %s\n", vigilAdded.Round(time.Microsecond), verdict(vigilAdded < time.Millisecond))
	fmt.Fprintf(w, "    round by round                      %s\n", formatDurations(each))
	perfOK = perfOK && vigilAdded < time.Millisecond
	for _, r := range append(thr["vigil proxy"], lat["vigil proxy"]...) {
		if r.errors > 0 {
			ok = false
			fmt.Fprintf(w, "  FAIL: the vigil proxy answered %d genuine requests with an error\n", r.errors)
		}
	}

	fmt.Fprintf(w, "\nfault scenarios (vigil proxy: --upstream-timeout 2s --read-header-timeout 2s --read-timeout 5s)\n")
	for _, c := range faults(e.proxy, e.proxyDown, s, 2*time.Second, 2*time.Second) {
		fmt.Fprintln(w, c)
		ok = ok && c.ok
	}

	_, forgedBefore, err := upstreamStats(e.upstream)
	if err != nil {
		return false, err
	}
	t0 := time.Now()
	st := forge(e.proxy, s, o.forgeries, 16, o.seed)
	_, forgedAfter, err := upstreamStats(e.upstream)
	if err != nil {
		return false, err
	}
	reached := forgedAfter - forgedBefore
	fmt.Fprintf(w, "\nforgery run: %d forged requests (%d kinds, seed %d) in %s, plus %d genuine ones each replayed once\n",
		st.sent, len(forgeries()), o.seed, time.Since(t0).Round(time.Millisecond), st.genuine)
	fmt.Fprintf(w, "  forged answered 2xx: %d   forged reaching the upstream: %d   replays answered 2xx: %d   genuine passed: %d/%d   transport errors: %d\n",
		st.accepted, reached, st.replayOK, st.genuineOK, st.genuine, st.transport)
	fmt.Fprintf(w, "  statuses: %s\n", statusLine(st.byStatus))
	forgeOK := st.accepted == 0 && reached == 0 && st.replayOK == 0 && st.genuineOK == st.genuine && st.sent >= int64(o.forgeries)
	fmt.Fprintf(w, "  %s\n", verdict(forgeOK))
	ok = ok && forgeOK
	for name, n := range st.acceptedBy {
		fmt.Fprintf(w, "  ACCEPTED %d × %s\n", n, name)
	}
	alive := true
	for _, p := range e.procs {
		if !p.alive() {
			alive = false
			fmt.Fprintf(w, "\nFAIL: %s exited during the run (log: %s)\n", p.name, p.log)
		}
	}
	ok = ok && alive
	fmt.Fprintf(w, "\nresult: correctness %s, performance targets %s\n", verdict(ok), verdict(perfOK))
	os.WriteFile(filepath.Join(o.out, "report.txt"), []byte(rep.String()), 0o644)
	if o.strict {
		ok = ok && perfOK
	}
	return ok, nil
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "MISS/FAIL"
}

func statusLine(m map[int]int64) string {
	var keys []int
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d×%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}

// roundRatio compares two targets round by round: the targets of a round
// run back to back, so the machine's drift over a run (other tenants,
// heat) touches both alike. It returns the median ratio and each round's.
func roundRatio(a, b []result) (median float64, each []float64) {
	ra, rb := make([]float64, len(a)), make([]float64, len(b))
	for i := range a {
		ra[i] = a[i].rps()
	}
	for i := range b {
		rb[i] = b[i].rps()
	}
	return pairRatio(ra, rb)
}

// pairRatio is a[i]/b[i] for each round and the median of those ratios.
func pairRatio(a, b []float64) (m float64, each []float64) {
	for i := range min(len(a), len(b)) {
		each = append(each, a[i]/b[i])
	}
	return median(each), each
}

// median is the middle value of xs (the upper one of an even count), 0
// for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sorted := slices.Sorted(slices.Values(xs))
	return sorted[len(sorted)/2]
}

func formatMicros(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%.0f", x*1e6)
	}
	return strings.Join(parts, " ")
}

func formatDurations(ds []time.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.Round(10 * time.Microsecond).String()
	}
	return strings.Join(parts, " ")
}

func formatRatios(rs []float64) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("%.2f×", r)
	}
	return strings.Join(parts, " ")
}
