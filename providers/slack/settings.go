package slack

import (
	"net/url"
	"strings"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// DefaultAPIURL is Slack's Web API.
const DefaultAPIURL = "https://slack.com/api"

// The settings keys.
const (
	// FieldWebhookURL is an incoming webhook's URL (secret): posts go to
	// the channel it was created for.
	FieldWebhookURL = "webhookUrl"
	// FieldBotToken is a bot token, xoxb-... (secret), with the chat:write
	// scope: posts go through chat.postMessage to any channel the bot is in.
	FieldBotToken = "botToken"
	// FieldChannel is the Web API's default channel: a name such as
	// #alerts or an ID such as C0123456789.
	FieldChannel = "channel"
	// FieldAPIURL overrides [DefaultAPIURL] (optional).
	FieldAPIURL = "apiUrl"
)

// The settings' validation messages.
const (
	msgNeedOne      = "Please enter an incoming webhook URL or a bot token"
	msgWebhookURL   = "Please enter a valid Slack webhook URL"
	msgBotToken     = "Bot token must start with xoxb-"
	msgChannel      = "Please enter a channel such as #alerts or a channel ID"
	msgAPIURL       = "Please enter a valid https URL"
	channelPattern  = `#?[a-z0-9][a-z0-9._-]{0,79}|[CGD][A-Z0-9]{8,}`
	botTokenPattern = `xoxb-[A-Za-z0-9-]+`
)

func fields() []providers.Field {
	return []providers.Field{
		{Name: FieldWebhookURL, Label: "Incoming Webhook URL", Type: providers.FieldURL, Secret: true, MaxLength: 500,
			Placeholder: "https://hooks.slack.com/services/T000/B000/XXXX",
			Messages:    providers.FieldMessages{Invalid: msgWebhookURL, TooLong: msgWebhookURL}},
		{Name: FieldBotToken, Label: "Bot Token", Type: providers.FieldPassword, Secret: true, MaxLength: 255,
			Placeholder: "xoxb-...", Pattern: botTokenPattern,
			Messages: providers.FieldMessages{Invalid: msgBotToken, TooLong: msgBotToken}},
		{Name: FieldChannel, Label: "Default Channel", Type: providers.FieldText, MaxLength: 81, Placeholder: "#alerts",
			Pattern: channelPattern, Messages: providers.FieldMessages{Invalid: msgChannel, TooLong: msgChannel}},
		{Name: FieldAPIURL, Label: "Web API URL", Type: providers.FieldURL, Default: DefaultAPIURL, MaxLength: 500,
			Placeholder: DefaultAPIURL, Messages: providers.FieldMessages{Invalid: msgAPIURL, TooLong: msgAPIURL}},
	}
}

// settings are parsed, valid settings.
type settings struct {
	hook    *url.URL // nil without a webhook
	token   string
	channel string
	api     *url.URL
}

// parseSettings validates s and returns its values, or a
// *providers.ValidationError.
func parseSettings(s providers.Settings) (*settings, error) {
	if err := providers.ValidateSettings(fields(), s); err != nil {
		return nil, err
	}
	var ve providers.ValidationError
	add := func(f, msg string) { ve.Fields = append(ve.Fields, providers.FieldError{Field: f, Message: msg}) }
	st := &settings{token: strings.TrimSpace(s[FieldBotToken]), channel: strings.TrimSpace(s[FieldChannel])}
	hook := strings.TrimSpace(s[FieldWebhookURL])
	if hook == "" && st.token == "" {
		add(FieldWebhookURL, msgNeedOne)
	}
	if hook != "" {
		u, ok := httpapi.ParseSecureURL(hook)
		if !ok || u.RawQuery != "" {
			add(FieldWebhookURL, msgWebhookURL)
		}
		st.hook = u
	}
	api := strings.TrimSpace(s[FieldAPIURL])
	if api == "" {
		api = DefaultAPIURL
	}
	var ok bool
	if st.api, ok = httpapi.ParseSecureURL(api); !ok {
		add(FieldAPIURL, msgAPIURL)
	}
	if len(ve.Fields) > 0 {
		return nil, &ve
	}
	return st, nil
}

// secrets are the values to keep out of messages.
func (st *settings) secrets() []string {
	out := []string{st.token}
	if st.hook != nil {
		out = append(out, st.hook.String(), st.hook.Path)
	}
	return out
}
