module github.com/fractional-advisor/fractional-advisor

go 1.26

require (
	github.com/gorilla/websocket v1.5.3
	github.com/kelseyhightower/envconfig v1.4.0
	github.com/slack-go/slack v0.35.0
	go.uber.org/goleak v1.3.0
	go.uber.org/zap v1.28.0
	go.yaml.in/yaml/v3 v3.0.6
)

require go.uber.org/multierr v1.10.0 // indirect
