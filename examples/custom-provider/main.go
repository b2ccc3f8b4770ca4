// Command custom-provider is a complete third-party provider plugin: Slack
// incoming webhooks. Build it as intime-provider-slack, list its SHA-256 in
// the plugin directory's SHA256SUMS, and a host loads it with
// providers.Host.LoadDir. It is an example of writing a plugin; the Slack
// provider the SDK ships is package providers/slack (incoming webhooks and
// the Web API), which answers to the same name, so use one or the other.
//
// The plugin authors' guide, docs/plugins.md in the repository, walks
// through writing such a plugin from an empty module to a loaded,
// checksummed, conformance-tested binary, and describes the protocol for
// plugins written in other languages.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

func main() { providers.Serve(New(nil)) }

// OpPost posts a message: payload {"text": "...", "channel": "#optional"}.
const OpPost = "chat.post"

// Slack posts messages to a Slack incoming webhook.
type Slack struct {
	providers.UnimplementedProvider
	client *http.Client
}

// New returns the provider; a nil client means http.DefaultClient.
func New(client *http.Client) *Slack {
	if client == nil {
		client = http.DefaultClient
	}
	return &Slack{client: client}
}

var info = &providers.Info{
	Name: "slack", DisplayName: "Slack", Types: []string{"slack"}, Version: "1.0.0",
	Fields: []providers.Field{
		// https, or plain http to a loopback test server.
		{Name: "webhookUrl", Label: "Webhook URL", Type: providers.FieldURL, Required: true, Secret: true, MaxLength: 500,
			Schemes: []string{"https"}, LoopbackHTTP: true, Placeholder: "https://hooks.slack.com/services/...",
			Messages: providers.FieldMessages{Empty: "Webhook URL is required",
				Invalid: "Please enter a valid Slack webhook URL"}},
		{Name: "channel", Label: "Channel", Type: providers.FieldText, MaxLength: 80, Pattern: `#[a-z0-9_-]+`,
			Messages: providers.FieldMessages{Invalid: "Please enter a channel such as #alerts"}},
	},
	Capabilities: []string{OpPost},
}

// Info implements providers.Provider.
func (*Slack) Info(context.Context) (*providers.Info, error) { return info, nil }

// Validate implements providers.Provider: the fields' rules say it all.
func (*Slack) Validate(_ context.Context, s providers.Settings) error {
	return providers.ValidateSettings(info.Fields, s)
}

// hookURL returns the validated webhook URL.
func hookURL(s providers.Settings) (string, error) {
	if err := providers.ValidateSettings(info.Fields, s); err != nil {
		return "", providers.InvalidInput(err)
	}
	return s["webhookUrl"], nil
}

// Check implements providers.Provider: DNS, TCP and TLS to the hook's host,
// then an empty post, which Slack answers 400 for a valid hook and 403 or
// 404 for a revoked one.
func (p *Slack) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	hook, err := hookURL(s)
	if err != nil {
		return nil, err
	}
	res, conn := providers.CheckEndpoint(ctx, &providers.EndpointCheck{URL: hook})
	if conn != nil {
		conn.Close()
	}
	res.Run(providers.StageAuth, time.Now, func() error {
		err := p.post(ctx, hook, map[string]string{})
		if providers.KindOf(err) == providers.KindInvalidInput {
			return nil // the hook exists: Slack only disliked the empty message
		}
		return err
	})
	return res, nil
}

// Do implements providers.Provider.
func (p *Slack) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	if op.Name != OpPost {
		return nil, providers.UnknownOperation(op)
	}
	var msg struct {
		Text    string `json:"text"`
		Channel string `json:"channel,omitempty"`
	}
	if err := json.Unmarshal(op.Payload, &msg); err != nil || msg.Text == "" {
		return nil, providers.InvalidInput(errors.New("slack: a message needs text"))
	}
	if msg.Channel == "" {
		msg.Channel = s["channel"]
	}
	hook, err := hookURL(s)
	if err != nil {
		return nil, err
	}
	if err := p.post(ctx, hook, msg); err != nil {
		return nil, err
	}
	return &providers.Result{Payload: json.RawMessage(`{"ok":true}`)}, nil
}

// post sends v and classifies Slack's answer.
func (p *Slack) post(ctx context.Context, hook string, v any) error {
	body, _ := json.Marshal(v)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook, bytes.NewReader(body))
	if err != nil {
		return providers.InvalidInput(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return err // classified by the SDK: timeout, refused, DNS, TLS
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	switch code := resp.StatusCode; {
	case code == http.StatusOK:
		return nil
	case code == http.StatusForbidden, code == http.StatusNotFound, code == http.StatusGone:
		return providers.AuthFailed(fmt.Errorf("slack: %d %s", code, text))
	case code == http.StatusBadRequest:
		return providers.InvalidInput(fmt.Errorf("slack: %s", text))
	}
	after, _ := retry.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	return &retry.StatusError{StatusCode: resp.StatusCode, RetryAfter: after}
}
