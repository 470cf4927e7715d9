// Package ops is what an operator sees of the running bot: the Prometheus
// metrics and the /healthz, /readyz and /metrics endpoints.
package ops

import (
	"fmt"
	"runtime"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the bot's Prometheus collectors, on a registry of their own
// (no global state). A nil *Metrics records nothing, so tests and the
// offline commands need not build one.
type Metrics struct {
	Registry *prometheus.Registry
	labels   labels

	Envelopes       *prometheus.CounterVec   // type, outcome
	AckLatency      prometheus.Histogram     // envelope read → ack queued
	HandleLatency   *prometheus.HistogramVec // type: envelope read → reply sent
	SlackCalls      *prometheus.CounterVec   // method, status
	Reconnects      *prometheus.CounterVec   // reason
	Duplicates      prometheus.Counter
	Panics          prometheus.Counter
	Busy            prometheus.Counter
	RateLimited     prometheus.Counter
	FAQ             *prometheus.CounterVec // result: matched / unmatched
	Recommendations *prometheus.CounterVec // value
	Feedback        *prometheus.CounterVec // helpful: yes / no
	ClaimFailures   prometheus.Counter
	// The loop of hand-offs and learned answers.
	Handoffs           *prometheus.CounterVec // event: opened, posted, post_failed, answered, resolved
	ExpertChannelReady prometheus.Gauge       // 1 when the bot can post to ADVISOR_EXPERT_CHANNEL
	LearnedEntries     prometheus.Gauge
	WatchedChannels    prometheus.Gauge
	// HTTP mode.
	HTTPRefusals *prometheus.CounterVec // reason
}

// NewMetrics builds and registers every collector.
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	f := factory{reg}
	return &Metrics{
		Registry:   reg,
		labels:     newLabels(),
		Envelopes:  f.counterVec("advisor_envelopes_total", "Socket Mode envelopes handled, by type and outcome.", "type", "outcome"),
		AckLatency: f.histogram("advisor_ack_latency_seconds", "Time from reading an envelope to writing its ack.", prometheus.ExponentialBuckets(0.00005, 2, 16)),
		HandleLatency: f.histogramVec("advisor_handle_latency_seconds", "Time from reading an envelope to the end of its handling, reply included.",
			prometheus.ExponentialBuckets(0.0005, 2, 16), "type"),
		SlackCalls:      f.counterVec("advisor_slack_api_calls_total", "Slack Web API and response_url calls, by method and status (ok, rate_limited, error code).", "method", "status"),
		Reconnects:      f.counterVec("advisor_reconnects_total", "Socket Mode reconnections, by reason.", "reason"),
		Duplicates:      f.counter("advisor_duplicate_events_total", "Events API deliveries dropped because their event_id was already handled."),
		Panics:          f.counter("advisor_panics_recovered_total", "Handler panics recovered."),
		Busy:            f.counter("advisor_busy_rejections_total", "Requests refused because the work queue was full."),
		RateLimited:     f.counter("advisor_user_rate_limited_total", "Requests refused by the per-user rate limit."),
		FAQ:             f.counterVec("advisor_faq_answers_total", "FAQ questions, by whether a confident answer was found.", "result"),
		Recommendations: f.counterVec("advisor_recommendations_total", "Recommendations made, by value.", "value"),
		Feedback:        f.counterVec("advisor_feedback_total", "Helpful / not helpful clicks.", "helpful"),
		ClaimFailures:   f.counter("advisor_store_claim_failures_total", "Event claims the store did not answer in time; the event was answered anyway."),
		Handoffs:        f.counterVec("advisor_handoffs_total", "Hand-offs to experts, by event: opened, posted (to the experts' channel), post_failed, answered, resolved.", "event"),
		ExpertChannelReady: f.gauge("advisor_expert_channel_ready",
			"1 when the bot can post to ADVISOR_EXPERT_CHANNEL; 0 when it is not a member or the channel is gone (hand-offs wait, open, until it can)."),
		LearnedEntries:  f.gauge("advisor_learned_entries", "Answers experts taught the bot, in this replica's index."),
		WatchedChannels: f.gauge("advisor_watched_channels", "Channels where the bot answers questions, as this replica knows them."),
		HTTPRefusals: f.counterVec("advisor_http_refusals_total",
			"HTTP-mode requests refused with nothing done, by reason: bad signature, body too large, unsupported content type, …", "reason"),
	}
}

type factory struct{ reg *prometheus.Registry }

func (f factory) counter(name, help string) prometheus.Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	f.reg.MustRegister(c)
	return c
}

func (f factory) counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	f.reg.MustRegister(c)
	return c
}

func (f factory) gauge(name, help string) prometheus.Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
	f.reg.MustRegister(g)
	return g
}

func (f factory) histogram(name, help string, buckets []float64) prometheus.Histogram {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets})
	f.reg.MustRegister(h)
	return h
}

func (f factory) histogramVec(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
	f.reg.MustRegister(h)
	return h
}

// The recording methods below are safe on a nil *Metrics.

// Envelope counts one handled request and its handling time. kind and
// outcome count by their part before any ":" ("command:ask" as "command",
// "faq:cost" as "faq").
func (m *Metrics) Envelope(kind, outcome string, took float64) {
	if m == nil {
		return
	}
	typ := pick(m.labels.types, before(kind))
	m.Envelopes.WithLabelValues(typ, pick(m.labels.outcomes, before(outcome))).Inc()
	m.HandleLatency.WithLabelValues(typ).Observe(took)
}

// Acked records how long an ack took to queue, in seconds.
func (m *Metrics) Acked(took float64) {
	if m != nil {
		m.AckLatency.Observe(took)
	}
}

// SlackCall counts one call to Slack by method and status.
func (m *Metrics) SlackCall(method, status string) {
	if m != nil {
		m.SlackCalls.WithLabelValues(pick(m.labels.methods, method), pick(m.labels.statuses, status)).Inc()
	}
}

// Reconnect counts a reconnection and its reason.
func (m *Metrics) Reconnect(reason string) {
	if m != nil {
		m.Reconnects.WithLabelValues(pick(m.labels.reasons, reason)).Inc()
	}
}

// Duplicate counts a dropped repeat delivery.
func (m *Metrics) Duplicate() {
	if m != nil {
		m.Duplicates.Inc()
	}
}

// Panic counts a recovered panic.
func (m *Metrics) Panic() {
	if m != nil {
		m.Panics.Inc()
	}
}

// Rejected counts a request refused because the queue was full.
func (m *Metrics) Rejected() {
	if m != nil {
		m.Busy.Inc()
	}
}

// Limited counts a request refused by the per-user rate limit.
func (m *Metrics) Limited() {
	if m != nil {
		m.RateLimited.Inc()
	}
}

// Answered counts an FAQ question by whether it found a confident answer.
func (m *Metrics) Answered(matched bool) {
	if m == nil {
		return
	}
	result := "unmatched"
	if matched {
		result = "matched"
	}
	m.FAQ.WithLabelValues(result).Inc()
}

// Recommended counts a recommendation by its value.
func (m *Metrics) Recommended(value string) {
	if m != nil {
		m.Recommendations.WithLabelValues(value).Inc()
	}
}

// FeedbackGiven counts a helpful / not helpful click.
func (m *Metrics) FeedbackGiven(helpful bool) {
	if m == nil {
		return
	}
	v := "no"
	if helpful {
		v = "yes"
	}
	m.Feedback.WithLabelValues(v).Inc()
}

// PanicValue describes a recovered panic for a log line without what it
// may carry: a runtime error's message names no user data, anything else
// is shown by its type only (a panic(text) could hold a user's words).
func PanicValue(v any) string {
	if re, ok := v.(runtime.Error); ok {
		return re.Error()
	}
	return fmt.Sprintf("a %T", v)
}

// ClaimFailed counts an event claim the store did not answer.
func (m *Metrics) ClaimFailed() {
	if m != nil {
		m.ClaimFailures.Inc()
	}
}

// WatchRecorder exports a store recorder's counts: records offered, and of
// them dropped (the store down, slow or its queue full) and written.
func (m *Metrics) WatchRecorder(offered, dropped, written func() uint64) {
	if m == nil {
		return
	}
	m.Registry.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "advisor_store_records_total",
			Help: "Records (questions, votes, assessments, event completions) given to the store's writer; once it is idle, written + dropped."},
			func() float64 { return float64(offered()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "advisor_store_dropped_total",
			Help: "Records lost because the store was down, slow or behind."},
			func() float64 { return float64(dropped()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "advisor_store_written_total",
			Help: "Records written to the store."},
			func() float64 { return float64(written()) }),
	)
}

// Handoff counts an event in a hand-off's life.
func (m *Metrics) Handoff(event string) {
	if m != nil {
		m.Handoffs.WithLabelValues(pick(m.labels.handoffs, event)).Inc()
	}
}

// ExpertChannel records whether the bot can post to the experts' channel.
func (m *Metrics) ExpertChannel(ready bool) {
	if m == nil {
		return
	}
	v := 0.0
	if ready {
		v = 1
	}
	m.ExpertChannelReady.Set(v)
}

// Loop records how many learned answers and watched channels this
// replica serves.
func (m *Metrics) Loop(learned, watched int) {
	if m != nil {
		m.LearnedEntries.Set(float64(learned))
		m.WatchedChannels.Set(float64(watched))
	}
}

// Refused counts an HTTP-mode request refused with nothing done.
func (m *Metrics) Refused(reason string) {
	if m != nil {
		m.HTTPRefusals.WithLabelValues(pick(m.labels.refusals, reason)).Inc()
	}
}
