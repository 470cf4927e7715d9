package faq

import (
	"bytes"
	"strings"
	"testing"
)

// TestTune runs each report of the tune command on a small knowledge base,
// so the harness keeps working between tuning sessions.
func TestTune(t *testing.T) {
	t.Parallel()
	kb, err := Load(contentFS(map[string]string{
		"a.yaml": "id: a\nquestion: What does it cost?\nanswer: A.\nphrasings: [how much is it, what is the price, what are the fees]\n",
		"b.yaml": "id: b\nquestion: How long does it last?\nanswer: B.\nphrasings: [how many months, what is the duration, when does it end]\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	cases := []TuneCase{{"price please", "a"}, {"duration?", "b"}, {"where is lunch", "none"}}
	tests := []struct {
		opt     TuneOptions
		want    string // a substring of the output
		lines   int    // how many lines, or -1 for any number
		wantErr string
	}{
		{TuneOptions{Report: "loo", Only: "default", Step: 2}, "default          LOO rank-1 ", 2, ""},
		{TuneOptions{Report: "curve"}, "threshold 0.30: tune acc ", 21, ""},
		{TuneOptions{Report: "misses"}, "", -1, ""},
		{TuneOptions{Report: "loo-misses", Step: 1}, "", -1, ""},
		{TuneOptions{Report: "loo", Only: "nonesuch"}, "", -1, `no variant "nonesuch"`},
		{TuneOptions{Report: "everything"}, "", -1, `unknown report "everything"`},
	}
	for _, tt := range tests {
		t.Run(tt.opt.Report+" "+tt.opt.Only, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			err := Tune(&out, kb, cases, tt.opt)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), tt.want) {
				t.Errorf("output %q does not contain %q", out.String(), tt.want)
			}
			if n := strings.Count(out.String(), "\n"); tt.lines >= 0 && n != tt.lines {
				t.Errorf("%d lines, want %d:\n%s", n, tt.lines, out.String())
			}
		})
	}
}
