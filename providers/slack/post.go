package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
	"github.com/intimeos/integrations/retry"
)

// OpMessagePost posts a message: [Message] in, [Posted] out.
const OpMessagePost = "slack.message.post"

// How a message is posted ([Message.Via], [Posted.Via]).
const (
	ViaAPI     = "api"     // chat.postMessage with the bot token
	ViaWebhook = "webhook" // the incoming webhook
)

// Message is the payload of [OpMessagePost].
type Message struct {
	// Text is the message, in Slack's mrkdwn; with Blocks it is the
	// notification's fallback. Required unless Blocks is set.
	Text string `json:"text,omitempty"`
	// Blocks are Block Kit blocks, as Slack's JSON array. Optional.
	Blocks json.RawMessage `json:"blocks,omitempty"`
	// Channel overrides the default channel (Web API only; an incoming
	// webhook posts to its own channel).
	Channel string `json:"channel,omitempty"`
	// ThreadTS replies in the thread of that message's ts.
	ThreadTS string `json:"threadTs,omitempty"`
	// Via is [ViaAPI], [ViaWebhook] or "" for the Web API when a bot token
	// is configured, else the webhook.
	Via string `json:"via,omitempty"`
}

// Posted is where a message went.
type Posted struct {
	Via string `json:"via"`
	// Channel and TS identify the message (Web API only: an incoming
	// webhook answers just "ok").
	Channel string `json:"channel,omitempty"`
	TS      string `json:"ts,omitempty"`
}

// MaxText is Slack's limit on a message's text, in characters.
const MaxText = 40000

// Do implements [providers.Provider]: [OpMessagePost].
func (p *Provider) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	return httpapi.Dispatch(ctx, Name, map[string]httpapi.Handler[*settings]{OpMessagePost: p.post}, op,
		func() (*settings, error) { return parseSettings(s) })
}

func (p *Provider) post(ctx context.Context, st *settings, payload json.RawMessage) (any, error) {
	m, err := httpapi.Decode[Message](Name, OpMessagePost, payload)
	if err != nil {
		return nil, err
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	via := m.Via
	if via == "" {
		via = ViaWebhook
		if st.token != "" {
			via = ViaAPI
		}
	}
	switch {
	case via == ViaAPI && st.token == "":
		return nil, httpapi.Invalid(Name, OpMessagePost, "no bot token is configured")
	case via == ViaWebhook && st.hook == nil:
		return nil, httpapi.Invalid(Name, OpMessagePost, "no incoming webhook is configured")
	case via == ViaWebhook:
		return &Posted{Via: ViaWebhook}, p.webhookPost(ctx, st, m.wire(""))
	}
	channel := m.Channel
	if channel == "" {
		channel = st.channel
	}
	if channel == "" {
		return nil, httpapi.Invalid(Name, OpMessagePost, "a channel is required: set the message's or the default channel")
	}
	var out struct {
		Channel string `json:"channel"`
		TS      string `json:"ts"`
	}
	if err := p.api(ctx, st, "chat.postMessage", m.wire(channel), &out); err != nil {
		return nil, err
	}
	return &Posted{Via: ViaAPI, Channel: out.Channel, TS: out.TS}, nil
}

func (m *Message) validate() error {
	switch {
	case m.Via != "" && m.Via != ViaAPI && m.Via != ViaWebhook:
		return httpapi.Invalid(Name, OpMessagePost, `via must be "api", "webhook" or empty`)
	case strings.TrimSpace(m.Text) == "" && len(m.Blocks) == 0:
		return httpapi.Invalid(Name, OpMessagePost, "a message needs text or blocks")
	case len([]rune(m.Text)) > MaxText:
		return httpapi.Invalid(Name, OpMessagePost, fmt.Sprintf("text is longer than %d characters", MaxText))
	case len(m.Blocks) > 0 && !json.Valid(m.Blocks):
		return httpapi.Invalid(Name, OpMessagePost, "blocks are not valid JSON")
	}
	return nil
}

// wire is the message in Slack's field names.
func (m *Message) wire(channel string) map[string]any {
	w := map[string]any{}
	if m.Text != "" {
		w["text"] = m.Text
	}
	if len(m.Blocks) > 0 {
		w["blocks"] = m.Blocks
	}
	if channel != "" {
		w["channel"] = channel
	}
	if m.ThreadTS != "" {
		w["thread_ts"] = m.ThreadTS
	}
	return w
}

// api calls a Web API method with the bot token and a JSON body. Slack
// answers most failures with HTTP 200 and {"ok": false, "error": "..."};
// those are classified by [apiError].
func (p *Provider) api(ctx context.Context, st *settings, method string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return providers.InvalidInput(fmt.Errorf("slack: encode %s: %w", method, err))
	}
	resp, err := p.c.Do(ctx, &httpapi.Request{Method: http.MethodPost, URL: st.api.String() + "/" + method, Body: body,
		ContentType: "application/json; charset=utf-8", Secrets: st.secrets(),
		Auth: func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+st.token) }})
	if err != nil {
		return err
	}
	var ok struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	}
	if err := httpapi.DecodeBody(Name, method, resp.Body, &ok); err != nil {
		return err
	}
	if !ok.OK {
		return apiError(method, ok.Error)
	}
	if out == nil {
		return nil
	}
	return httpapi.DecodeBody(Name, method, resp.Body, out)
}

// The Web API's error codes by kind; others are invalid input.
var (
	authErrors = map[string]bool{"not_authed": true, "invalid_auth": true, "account_inactive": true, "token_revoked": true,
		"token_expired": true, "no_permission": true, "missing_scope": true, "not_allowed_token_type": true,
		"org_login_required": true, "ekm_access_denied": true, "access_denied": true}
	transientErrors = map[string]bool{"fatal_error": true, "internal_error": true, "service_unavailable": true,
		"request_timeout": true, "team_added_to_org": true}
)

// apiError classifies an {"ok": false} answer of a Web API method.
func apiError(method, code string) error {
	err := fmt.Errorf("slack: %s: %s", method, httpapi.Truncate(code))
	switch {
	case authErrors[code]:
		return providers.AuthFailed(err)
	case transientErrors[code]:
		return providers.Unavailable(err, retry.ClassServerError)
	case code == "ratelimited" || code == "rate_limited":
		return &providers.Error{Kind: providers.KindRateLimited, Message: err.Error(), Err: err}
	}
	return providers.InvalidInput(err)
}

// webhookPost posts to the incoming webhook. Slack answers 200 "ok", or
// 400 (invalid_payload, no_text, invalid_blocks), 403 (action_prohibited,
// invalid_token), 404 (no_service, channel_not_found), 410
// (channel_is_archived), 429 or 500 (rollup_error) with a plain text code.
// A hook that is gone (404 no_service, 403) is an auth failure.
func (p *Provider) webhookPost(ctx context.Context, st *settings, msg map[string]any) error {
	body, err := json.Marshal(msg)
	if err != nil {
		return providers.InvalidInput(fmt.Errorf("slack: encode message: %w", err))
	}
	_, err = p.c.Do(ctx, &httpapi.Request{Method: http.MethodPost, URL: st.hook.String(), Body: body,
		ContentType: "application/json", Header: http.Header{"Accept": {"*/*"}}, Secrets: st.secrets()})
	var e *providers.Error
	if errors.As(err, &e) && e.Kind == providers.KindInvalidInput && strings.Contains(e.Message, "no_service") {
		return providers.AuthFailed(errors.New(e.Message))
	}
	return err
}

// errorMessage reads a Web API {"error": "..."} body or a webhook's plain
// text code.
func errorMessage(_ int, _ http.Header, body []byte) string {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error != "" {
		return e.Error
	}
	if t := string(bytes.TrimSpace(body)); !strings.ContainsAny(t, "<{") {
		return t
	}
	return ""
}

// MessagePost posts m through c (an instance or a failover group of Slack
// providers).
func MessagePost(ctx context.Context, c providers.Caller, m *Message) (*Posted, error) {
	return httpapi.Call[Posted](ctx, c, Name, OpMessagePost, m, "")
}
