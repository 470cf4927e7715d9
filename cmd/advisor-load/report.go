package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Dist summarises a set of latencies, in milliseconds so the JSON line
// reads without unit conversions.
type Dist struct {
	N     int     `json:"n"`
	P50ms float64 `json:"p50_ms"`
	P90ms float64 `json:"p90_ms"`
	P99ms float64 `json:"p99_ms"`
	MaxMs float64 `json:"max_ms"`
}

// percentile is the nearest-rank percentile (0 < p ≤ 100) of sorted: the
// smallest value with at least p% of the values at or below it. No
// interpolation, so every figure reported is a latency that happened.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	// rank = ceil(p/100 * n), computed in integers to avoid float edges.
	rank := int((int64(p*1000)*int64(len(sorted)) + 100000 - 1) / 100000)
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// summarize sorts d in place and returns its distribution.
func summarize(d []time.Duration) Dist {
	if len(d) == 0 {
		return Dist{}
	}
	slices.Sort(d)
	return Dist{
		N:     len(d),
		P50ms: ms(percentile(d, 50)),
		P90ms: ms(percentile(d, 90)),
		P99ms: ms(percentile(d, 99)),
		MaxMs: ms(d[len(d)-1]),
	}
}

// ms is d in milliseconds, rounded to the microsecond.
func ms(d time.Duration) float64 { return float64(d.Round(time.Microsecond).Microseconds()) / 1000 }

// BotStats is what /proc says about the bot process.
type BotStats struct {
	PID              int     `json:"pid"`
	StartToConnectMs float64 `json:"start_to_connected_ms"`
	IdleRSSMB        float64 `json:"idle_rss_mb"`
	PeakRSSMB        float64 `json:"peak_rss_mb"`       // VmHWM at the end: the whole life of the process
	PeakRSSRunMB     float64 `json:"peak_rss_run_mb"`   // the highest VmRSS sampled during the load
	CPUSeconds       float64 `json:"cpu_s"`             // user+system during the load and drain
	CPUPer1000       float64 `json:"cpu_s_per_1000"`    // CPUSeconds per 1,000 envelopes sent
	CPUUtilization   float64 `json:"cpu_cores_busy"`    // CPUSeconds / wall time of the load and drain
	LoadToolCPUSecs  float64 `json:"load_tool_cpu_s"`   // this process (emulator and driver) over the same span
	LoadToolPeakMB   float64 `json:"load_tool_peak_mb"` // this process's VmHWM
}

// Report is one run's result: printed as a table, or as one JSON line.
type Report struct {
	Mode        string          `json:"mode"`      // "count" or "rate"
	Transport   string          `json:"transport"` // "socket" or "http"
	Concurrency int             `json:"concurrency,omitempty"`
	TargetRate  float64         `json:"target_rate,omitempty"` // envelopes/s asked for
	Mix         string          `json:"mix"`
	Users       int             `json:"users"` // 0: a fresh user per transaction
	Envelopes   int             `json:"envelopes"`
	Acked       int             `json:"acked"`
	Replies     int             `json:"replies"`
	AckReplies  int             `json:"ack_replies"` // replies carried by the ack itself
	SendSeconds float64         `json:"send_s"`      // first envelope to last envelope written
	TotalSecs   float64         `json:"total_s"`     // first envelope to the last ack or reply
	SendRate    float64         `json:"send_rate"`   // envelopes/s over SendSeconds
	ReplyRate   float64         `json:"reply_rate"`  // replies/s over TotalSecs
	Ack         Dist            `json:"ack"`
	Reply       Dist            `json:"reply"`
	ReplyByKind map[string]Dist `json:"reply_by_kind"`
	Errors      int             `json:"errors"`
	ErrorKinds  map[string]int  `json:"error_kinds,omitempty"`
	MaxLagMs    float64         `json:"max_schedule_lag_ms,omitempty"` // rate mode: how far sending fell behind
	// UnmatchedPosts are posts no transaction claimed: late replies (already
	// counted as missing) or posts nobody asked for. Not counted as errors.
	UnmatchedPosts int      `json:"unmatched_posts,omitempty"`
	Bot            BotStats `json:"bot"`
	LoadAvg        string   `json:"loadavg,omitempty"` // /proc/loadavg at the end: other work on the machine
	Host           string   `json:"host"`              // GOOS/GOARCH and CPUs
}

// WriteJSON writes r as one line.
func (r *Report) WriteJSON(w io.Writer) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// WriteTable writes r for people.
func (r *Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format+"\n", args...) }
	switch r.Mode {
	case "rate":
		p("mode\t%.0f envelopes/s target, mix %s, users %s", r.TargetRate, r.Mix, usersText(r.Users))
	default:
		p("mode\t%d envelopes at concurrency %d, mix %s, users %s", r.Envelopes, r.Concurrency, r.Mix, usersText(r.Users))
	}
	if r.Transport != "" {
		p("transport\t%s", r.Transport)
	}
	p("host\t%s, load average %s", r.Host, r.LoadAvg)
	p("envelopes\t%d sent, %d acked, %d replies (%d in the ack)", r.Envelopes, r.Acked, r.Replies, r.AckReplies)
	p("throughput\t%.0f envelopes/s sent over %.2fs; %.0f replies/s over %.2fs", r.SendRate, r.SendSeconds, r.ReplyRate, r.TotalSecs)
	if r.MaxLagMs > 0 {
		p("schedule lag\tmax %.1f ms behind the target rate", r.MaxLagMs)
	}
	fmt.Fprintln(tw)
	p("latency (ms)\tn\tp50\tp90\tp99\tmax")
	row := func(name string, d Dist) {
		p("%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f", name, d.N, d.P50ms, d.P90ms, d.P99ms, d.MaxMs)
	}
	row("ack", r.Ack)
	row("reply", r.Reply)
	for _, k := range slices.Sorted(maps.Keys(r.ReplyByKind)) {
		row("  reply "+k, r.ReplyByKind[k])
	}
	fmt.Fprintln(tw)
	b := r.Bot
	p("bot pid %d\tstart→connected %.1f ms; idle RSS %.1f MB; peak RSS %.1f MB (%.1f MB during the load)",
		b.PID, b.StartToConnectMs, b.IdleRSSMB, b.PeakRSSMB, b.PeakRSSRunMB)
	p("bot cpu\t%.2f s (%.3f s per 1,000 envelopes, %.2f cores busy)", b.CPUSeconds, b.CPUPer1000, b.CPUUtilization)
	p("load tool\t%.2f s cpu (emulator and driver), peak RSS %.1f MB", b.LoadToolCPUSecs, b.LoadToolPeakMB)
	if r.UnmatchedPosts > 0 {
		p("unmatched posts\t%d (late replies, or posts no transaction asked for)", r.UnmatchedPosts)
	}
	if r.Errors == 0 {
		p("errors\t0")
	} else {
		parts := make([]string, 0, len(r.ErrorKinds))
		for _, k := range slices.Sorted(maps.Keys(r.ErrorKinds)) {
			parts = append(parts, fmt.Sprintf("%s=%d", k, r.ErrorKinds[k]))
		}
		p("errors\t%d: %s", r.Errors, strings.Join(parts, ", "))
	}
	return tw.Flush()
}

func usersText(n int) string {
	if n <= 0 {
		return "fresh per transaction"
	}
	return fmt.Sprint(n)
}
