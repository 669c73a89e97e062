package proxy

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Outcomes of a request, the "outcome" label of the metrics. Refusals by
// the signature check use webhook.Reason's labels (bad_signature,
// missing_signature, …).
const (
	OutcomeForwarded       = "forwarded"        // the upstream answered
	OutcomeUpstreamError   = "upstream_error"   // 502: the upstream failed
	OutcomeUpstreamTimeout = "upstream_timeout" // 504: the upstream did not answer in time
	OutcomeClientGone      = "client_gone"      // the client left before the upstream answered
	OutcomeSourceDenied    = "source_denied"    // 403: source address not in --allow-cidr
	OutcomeReplay          = "replay"           // 403: delivery already seen within the window
)

// Metrics are the proxy's Prometheus metrics.
type Metrics struct {
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	tokenUsed *prometheus.CounterVec
	reloads   *prometheus.CounterVec
	tokens    prometheus.Gauge
	// byOutcome holds the series of every known outcome, resolved once:
	// read-only after NewMetrics, so safe without a lock.
	byOutcome map[string]outcomeSeries
	current   prometheus.Counter
	outgoing  prometheus.Counter
}

type outcomeSeries struct {
	requests prometheus.Counter
	latency  prometheus.Observer
}

// knownOutcomes lists every outcome the Handler records.
func knownOutcomes() []string {
	return []string{OutcomeForwarded, OutcomeUpstreamError, OutcomeUpstreamTimeout, OutcomeClientGone,
		OutcomeSourceDenied, OutcomeReplay, "missing_signature", "duplicate_signature", "malformed",
		"unsigned_body", "body_too_large", "body_hash", "bad_signature", "no_token", "error"}
}

// observe records one request.
func (m *Metrics) observe(outcome string, seconds float64) {
	s, ok := m.byOutcome[outcome]
	if !ok {
		s = outcomeSeries{m.requests.WithLabelValues(outcome), m.latency.WithLabelValues(outcome)}
	}
	s.requests.Inc()
	s.latency.Observe(seconds)
}

// NewMetrics creates the metrics and registers them with reg (nil: not
// registered, for tests and embedding).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "vigil", Subsystem: "webhook", Name: "requests_total",
			Help: "Webhook requests by outcome (forwarded, bad_signature, replay, upstream_error, …).",
		}, []string{"outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "vigil", Subsystem: "webhook", Name: "request_duration_seconds",
			Help:    "Time from request to response, upstream included, by outcome.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"outcome"}),
		tokenUsed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "vigil", Subsystem: "webhook", Name: "verified_total",
			Help: "Verified requests by the token that matched: current (first listed) or outgoing (any later one). Outgoing at zero for a while means a rotation can be finished.",
		}, []string{"token"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "vigil", Subsystem: "webhook", Name: "token_reloads_total",
			Help: "Token reloads by result (ok, failed: the previous tokens were kept).",
		}, []string{"result"}),
		tokens: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "vigil", Subsystem: "webhook", Name: "tokens",
			Help: "Auth Tokens in force, subaccount tokens included.",
		}),
	}
	m.byOutcome = map[string]outcomeSeries{}
	for _, o := range knownOutcomes() {
		m.byOutcome[o] = outcomeSeries{m.requests.WithLabelValues(o), m.latency.WithLabelValues(o)}
	}
	m.current, m.outgoing = m.tokenUsed.WithLabelValues("current"), m.tokenUsed.WithLabelValues("outgoing")
	if reg != nil {
		reg.MustRegister(m.requests, m.latency, m.tokenUsed, m.reloads, m.tokens)
	}
	return m
}
