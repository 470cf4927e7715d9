package app_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/app"
	"github.com/fractional-advisor/fractional-advisor/internal/config"
	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"go.uber.org/goleak"
	"go.uber.org/zap"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestListenerThatCannotStart: when the second listener cannot start,
// Serve returns the error at once and closes the first: the process must
// not go on answering /healthz with no bot behind it.
func TestListenerThatCannotStart(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	kb, err := faq.Load(faq.DefaultContent())
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Defaults()
	cfg.AppToken, cfg.BotToken = "xapp-1-test-token", "xoxb-test-token"
	cfg.HTTPAddr, cfg.PProfAddr = "127.0.0.1:0", taken.Addr().String()
	done := make(chan error, 1)
	go func() { done <- app.Serve(context.Background(), cfg, app.Deps{Log: zap.NewNop(), KB: kb}) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), taken.Addr().String()) {
			t.Errorf("Serve = %v, want the listen error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return when its second listener could not start")
	}
}
