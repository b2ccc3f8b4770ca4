package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

// The demo's own provider: an HR directory API, the kind of HRIS or
// payroll system an integration syncs employees from. It runs as a plugin
// process like the SDK's providers, and calls the directory the demo serves
// on a local port (directory.go).
const (
	demoHRName   = "demo-hr"
	opDirectory  = "directory.sync"
	fieldBaseURL = "baseUrl"
	fieldAPIKey  = "apiKey"
)

var demoHRInfo = &providers.Info{
	Name: demoHRName, DisplayName: "Demo HR", Types: []string{integration.TypeHRIS, integration.TypePayroll}, Version: "1.0.0",
	Fields: []providers.Field{
		{Name: fieldBaseURL, Label: "API Base URL", Type: providers.FieldURL, Required: true, MaxLength: 255,
			Schemes: []string{"https"}, LoopbackHTTP: true, Placeholder: "https://hr.example.com",
			Messages: providers.FieldMessages{Empty: "API base URL is required", Invalid: "Please enter a valid URL"}},
		{Name: fieldAPIKey, Label: "API Key", Type: providers.FieldPassword, Required: true, Secret: true, MaxLength: 200,
			Messages: providers.FieldMessages{Empty: "API key is required"}},
		{Name: integration.SettingRateLimitHour, Label: "Max calls/hour", Type: providers.FieldNumber, Required: true,
			Min: 100, Max: 10000, Default: "1000",
			Messages: providers.FieldMessages{Empty: "Hourly rate limit is required", BelowMin: "Minimum hourly limit is 100",
				AboveMax: "Maximum hourly limit is 10,000", Invalid: "Hourly rate limit must be a number"}},
	},
	Capabilities: []string{opDirectory},
}

// demoHR is the provider.
type demoHR struct {
	providers.UnimplementedProvider
	client *http.Client
}

func newDemoHR() *demoHR { return &demoHR{client: &http.Client{Timeout: 10 * time.Second}} }

// Info implements providers.Provider.
func (*demoHR) Info(context.Context) (*providers.Info, error) { return demoHRInfo, nil }

// Validate implements providers.Provider with the fields' rules.
func (*demoHR) Validate(_ context.Context, s providers.Settings) error {
	return providers.ValidateSettings(demoHRInfo.Fields, s)
}

// Check implements providers.Provider: DNS, TCP (and TLS for https), then
// an authenticated GET /health.
func (p *demoHR) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	res, conn := providers.CheckEndpoint(ctx, &providers.EndpointCheck{URL: s[fieldBaseURL]})
	if conn != nil {
		_ = conn.Close()
	}
	res.Run(providers.StageAuth, nil, func() error {
		_, err := p.get(ctx, s, "/health")
		if err != nil {
			return errors.New(providers.UserMessage(err, demoHRInfo.DisplayName))
		}
		return nil
	})
	return res, nil
}

// Do implements providers.Provider: directory.sync reads the employees.
func (p *demoHR) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	if op.Name != opDirectory {
		return nil, providers.UnknownOperation(op)
	}
	body, err := p.get(ctx, s, "/employees")
	if err != nil {
		return nil, err
	}
	var employees []map[string]any
	if err := json.Unmarshal(body, &employees); err != nil {
		return nil, providers.NewError(providers.KindPermanent, fmt.Errorf("demo-hr: the directory answered %q", truncate(body)))
	}
	out, _ := json.Marshal(map[string]int{"employees": len(employees)})
	return &providers.Result{Payload: out}, nil
}

// get calls the directory with the key, classifying the answer as the
// SDK's providers do: 401 is an auth failure, 429 and 5xx are retryable.
func (p *demoHR) get(ctx context.Context, s providers.Settings, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(s[fieldBaseURL], "/")+path, nil)
	if err != nil {
		return nil, providers.InvalidInput(err)
	}
	req.Header.Set("Authorization", "Bearer "+s[fieldAPIKey])
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, providers.Unavailable(err, retry.ClassifyError(err).Class)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return nil, providers.AuthFailed(fmt.Errorf("demo-hr: %s", resp.Status))
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return nil, providers.Unavailable(fmt.Errorf("demo-hr: the directory answered %s", resp.Status), retry.ClassServerError)
	case resp.StatusCode != http.StatusOK:
		return nil, providers.NewError(providers.KindPermanent, fmt.Errorf("demo-hr: the directory answered %s", resp.Status))
	}
	return body, nil
}

func truncate(b []byte) string {
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}
