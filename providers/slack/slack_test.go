package slack_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/testkit"
	"github.com/intimeos/integrations/providers/providertest"
	"github.com/intimeos/integrations/providers/slack"
	"github.com/intimeos/integrations/retry"
)

func op(m *slack.Message) *providers.Operation {
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return &providers.Operation{Name: slack.OpMessagePost, Payload: b}
}

func decode(t *testing.T, r *providers.Result) *slack.Posted {
	t.Helper()
	var p slack.Posted
	require.NoError(t, json.Unmarshal(r.Payload, &p))
	return &p
}

var hello = op(&slack.Message{Text: "SMTP Email: Connection timeout (last 15 min)"})

func suite(f *fakeSlack) *providertest.Suite {
	return &providertest.Suite{
		Settings: f.settings(tokenGood, hookGood),
		Calls: []providertest.Call{
			{Name: "web API default channel", Op: hello, Check: func(t *testing.T, r *providers.Result) {
				p := decode(t, r)
				require.Equal(t, slack.ViaAPI, p.Via)
				require.Equal(t, "C0ALERTS01", p.Channel)
				require.NotEmpty(t, p.TS)
			}},
			{Name: "web API blocks in a thread", Op: op(&slack.Message{Channel: "#general", ThreadTS: "1503435956.000247",
				Blocks: json.RawMessage(`[{"type":"section","text":{"type":"mrkdwn","text":"*Down*"}}]`)}),
				Check: func(t *testing.T, r *providers.Result) {
					require.Equal(t, "C0GENERAL1", decode(t, r).Channel)
				}},
			{Name: "webhook", Op: op(&slack.Message{Text: "hi", Via: slack.ViaWebhook}),
				Check: func(t *testing.T, r *providers.Result) {
					require.Equal(t, &slack.Posted{Via: slack.ViaWebhook}, decode(t, r))
				}},
			{Name: "webhook only", Settings: f.settings("", hookGood), Op: hello,
				Check: func(t *testing.T, r *providers.Result) {
					require.Equal(t, slack.ViaWebhook, decode(t, r).Via)
				}},
		},
		Failures: []providertest.Failure{
			{Name: "revoked token (200 ok:false)", Settings: f.settings(tokenRevoked, ""), Op: hello, Kind: providers.KindAuth},
			{Name: "unknown token", Settings: f.settings("xoxb-nope", ""), Op: hello, Kind: providers.KindAuth},
			{Name: "API 429", Settings: f.settings(tokenBusy, ""), Op: hello, Kind: providers.KindRateLimited,
				RetryAfter: 30 * time.Second},
			{Name: "fatal_error", Settings: f.settings(tokenFatal, ""), Op: hello, Kind: providers.KindRetryable},
			{Name: "API 503", Settings: f.settings(tokenDown, ""), Op: hello, Kind: providers.KindRetryable},
			{Name: "channel_not_found", Op: op(&slack.Message{Text: "x", Channel: "#nowhere"}), Kind: providers.KindInvalidInput},
			{Name: "is_archived", Op: op(&slack.Message{Text: "x", Channel: "#archived"}), Kind: providers.KindInvalidInput},
			{Name: "hook gone 404", Settings: f.settings("", hookGone), Op: hello, Kind: providers.KindAuth},
			{Name: "hook unknown 403", Settings: f.settings("", "/services/T0001/B0001/other"), Op: hello, Kind: providers.KindAuth},
			{Name: "hook 429", Settings: f.settings("", hookBusy), Op: hello, Kind: providers.KindRateLimited,
				RetryAfter: 12 * time.Second},
			{Name: "hook 500", Settings: f.settings("", hookDown), Op: hello, Kind: providers.KindRetryable},
			{Name: "hook archived 410", Settings: f.settings("", hookArchived), Op: hello, Kind: providers.KindInvalidInput},
			{Name: "no text", Op: op(&slack.Message{Channel: "#alerts"}), Kind: providers.KindInvalidInput},
			{Name: "bad via", Op: op(&slack.Message{Text: "x", Via: "fax"}), Kind: providers.KindInvalidInput},
			{Name: "API without a token", Settings: f.settings("", hookGood), Op: op(&slack.Message{Text: "x", Via: slack.ViaAPI}),
				Kind: providers.KindInvalidInput},
		},
	}
}

// TestConformance is the must-show: the provider passes providertest in
// process and as a plugin, against a fake Slack.
func TestConformance(t *testing.T) {
	t.Parallel()
	f := newFakeSlack(t)
	p := slack.New(nil)
	t.Cleanup(func() { _ = p.Close() })
	s := suite(f)
	t.Run("in process", func(t *testing.T) { providertest.Exercise(t, p, s) })
	t.Run("plugin", func(t *testing.T) { providertest.Exercise(t, plugin(t), s) })
}

// TestWireForm checks what Slack receives on each path.
func TestWireForm(t *testing.T) {
	t.Parallel()
	f := newFakeSlack(t)
	inst := providers.NewInstance(slack.DisplayName, slack.New(nil), f.settings(tokenGood, hookGood), nil)
	_, err := slack.MessagePost(t.Context(), inst, &slack.Message{Text: "one", ThreadTS: "1.2"})
	require.NoError(t, err)
	_, err = slack.MessagePost(t.Context(), inst, &slack.Message{Text: "two", Via: slack.ViaWebhook, Channel: "#ignored"})
	require.NoError(t, err)
	require.Equal(t, []map[string]any{
		{"channel": "#alerts", "text": "one", "thread_ts": "1.2"},
		{"text": "two"},
	}, f.Posts())
}

// TestErrorMessages checks the spec's wording (§16) and the Retry-After
// wait through the plugin, and that no token or hook URL shows.
func TestErrorMessages(t *testing.T) {
	t.Parallel()
	f := newFakeSlack(t)
	pl := plugin(t)
	tests := []struct {
		name  string
		s     providers.Settings
		msg   string
		after time.Duration
	}{
		{"revoked", f.settings(tokenRevoked, ""), "Authentication failed. Please check credentials.", 0},
		{"API 429", f.settings(tokenBusy, ""), "Rate limit exceeded. Retry in 30 seconds.", 30 * time.Second},
		{"hook 429", f.settings("", hookBusy), "Rate limit exceeded. Retry in 12 seconds.", 12 * time.Second},
		{"fatal", f.settings(tokenFatal, ""), "Slack is currently unavailable", 0},
		{"hook down", f.settings("", hookDown), "Slack is currently unavailable", 0},
		{"hook gone", f.settings("", hookGone), "Authentication failed. Please check credentials.", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := pl.Do(t.Context(), tt.s, hello)
			require.Equal(t, tt.msg, providers.UserMessage(err, slack.DisplayName), "%v", err)
			require.Equal(t, tt.after, providers.AsError(err).RetryAfter)
			for _, secret := range []string{"1111-2222", "/services/"} {
				require.NotContains(t, err.Error(), secret)
			}
		})
	}
}

// TestSecretsNeverLeak: a hook whose server cannot be reached fails
// without naming the hook's URL, and log records carry neither it nor
// the token.
func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	f := newFakeSlack(t)
	p := slack.New(&slack.Config{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	defer p.Close()
	closed := newFakeSlack(t)
	closed.Close()
	var all []string
	for _, s := range []providers.Settings{f.settings(tokenGood, hookGood), f.settings(tokenRevoked, hookGone),
		closed.settings("", hookGood), closed.settings(tokenGood, "")} {
		if _, err := p.Do(t.Context(), s, op(&slack.Message{Text: "x", Via: slack.ViaWebhook})); err != nil {
			all = append(all, err.Error())
		}
		if _, err := p.Do(t.Context(), s, hello); err != nil {
			all = append(all, err.Error())
		}
	}
	require.NotEmpty(t, all)
	require.Contains(t, logs.String(), "slack: request")
	for _, secret := range []string{"hooksecret01", "goodsecret"} {
		require.NotContains(t, logs.String()+strings.Join(all, "\n"), secret)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	f := newFakeSlack(t)
	p := slack.New(nil)
	defer p.Close()
	tests := []struct {
		name   string
		s      providers.Settings
		failed providers.StageName
	}{
		{"token and hook", f.settings(tokenGood, hookGood), ""},
		{"hook only", f.settings("", hookGood), ""},
		{"revoked token", f.settings(tokenRevoked, ""), providers.StageAuth},
		{"hook gone", f.settings("", hookGone), providers.StageAuth},
		{"good token, gone hook", f.settings(tokenGood, hookGone), providers.StageAuth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := p.Check(t.Context(), tt.s)
			require.NoError(t, err)
			require.Len(t, res.Stages, 4)
			if tt.failed == "" {
				require.True(t, res.OK(), "%+v", res.Stages)
				return
			}
			require.Equal(t, tt.failed, res.Failed().Name)
			require.Equal(t, retry.ClassClientError, res.Failed().Class)
		})
	}
	require.Empty(t, f.Posts(), "a check posts nothing")
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []testkit.ValidateCase{
		{"hook", providers.Settings{slack.FieldWebhookURL: "https://hooks.slack.com/services/T0/B0/x"}, "", ""},
		{"token", providers.Settings{slack.FieldBotToken: "xoxb-1-2-abc", slack.FieldChannel: "C0123456789"}, "", ""},
		{"neither", providers.Settings{}, slack.FieldWebhookURL, "Please enter an incoming webhook URL or a bot token"},
		{"http hook", providers.Settings{slack.FieldWebhookURL: "http://hooks.slack.com/services/T0/B0/x"},
			slack.FieldWebhookURL, "Please enter a valid Slack webhook URL"},
		{"user token", providers.Settings{slack.FieldBotToken: "xoxp-1-2"}, slack.FieldBotToken, "Bot token must start with xoxb-"},
		{"bad channel", providers.Settings{slack.FieldBotToken: "xoxb-1", slack.FieldChannel: "#No Spaces"},
			slack.FieldChannel, "Please enter a channel such as #alerts or a channel ID"},
	}
	testkit.Validate(t, slack.New(nil), tests)
}
