package admin

import (
	"errors"
	"net/http"
	"net/mail"
	"strings"

	"github.com/intimeos/integrations/storage"
)

// AlertSettings are where the organization's alerts are sent (§13 "Alert
// when DLQ has items: Email admin@intime.com, Slack #alerts channel"): the
// alert engine (integration/alerts) reads them.
type AlertSettings struct {
	// EmailTo are the addresses alerts are emailed to through the
	// organization's own email integration.
	EmailTo []string `json:"emailTo"`
	// Slack posts alerts through the organization's Slack integration, to
	// SlackChannel when set ("#alerts").
	Slack        bool   `json:"slack"`
	SlackChannel string `json:"slackChannel,omitempty"`
}

// Alert settings fields and messages.
const (
	FieldAlertEmailTo    = "emailTo"
	FieldSlackChannel    = "slackChannel"
	msgAlertEmailBad     = "Please enter valid email addresses, separated by commas"
	msgSlackChannelBad   = "Please enter a channel such as #alerts"
	alertEmailsMax       = 20
	slackChannelMaxLen   = 80
	msgAlertEmailTooMany = "Enter at most 20 addresses"
)

func (h *Handler) alertSettingsOps() []*operation {
	return []*operation{
		op(h, "GET", "/api/alert-settings", "alertSettingsGet", "logs", "Where alerts are sent: email addresses and Slack (§13).", 200, h.apiAlertSettingsGet),
		op(h, "PUT", "/api/alert-settings", "alertSettingsSet", "logs", "Set where alerts are sent (§13 \"Alert when DLQ has items\").", 200, h.apiAlertSettingsSet),
	}
}

func (h *Handler) apiAlertSettingsGet(r *http.Request, _ *none) (*AlertSettings, error) {
	s, err := h.cfg.Store.AlertSettingsGet(r.Context(), org(r))
	if errors.Is(err, storage.ErrNotFound) {
		return &AlertSettings{EmailTo: []string{}}, nil
	}
	if err != nil {
		return nil, err
	}
	return &AlertSettings{EmailTo: append([]string{}, s.EmailTo...), Slack: s.Slack, SlackChannel: s.SlackChannel}, nil
}

func (h *Handler) apiAlertSettingsSet(r *http.Request, in *AlertSettings) (*AlertSettings, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	cur, err := h.cfg.Store.AlertSettingsGet(r.Context(), org(r))
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	next := &storage.AlertSettings{OrganizationID: org(r), EmailTo: in.EmailTo, Slack: in.Slack, SlackChannel: in.SlackChannel}
	if cur != nil {
		next.MinSeverity = cur.MinSeverity
	}
	if _, err := h.cfg.Store.AlertSettingsSet(r.Context(), next); err != nil {
		return nil, err
	}
	_ = h.audit(r, "alertSettingsSet", "organization", org(r), "")
	return h.apiAlertSettingsGet(r, nil)
}

// validate checks the addresses and the channel, with messages per field.
func (s *AlertSettings) validate() error {
	fields := map[string]string{}
	if len(s.EmailTo) > alertEmailsMax {
		fields[FieldAlertEmailTo] = msgAlertEmailTooMany
	}
	for i, a := range s.EmailTo {
		a = strings.TrimSpace(a)
		p, err := mail.ParseAddress(a)
		if err != nil || p.Address != a {
			fields[FieldAlertEmailTo] = msgAlertEmailBad
			break
		}
		s.EmailTo[i] = a
	}
	if s.EmailTo == nil {
		s.EmailTo = []string{}
	}
	ch := strings.TrimSpace(s.SlackChannel)
	if ch != "" && (!strings.HasPrefix(ch, "#") || len(ch) < 2 || len(ch) > slackChannelMaxLen || strings.ContainsAny(ch, " \t\r\n")) {
		fields[FieldSlackChannel] = msgSlackChannelBad
	}
	s.SlackChannel = ch
	if len(fields) > 0 {
		return validation(fields)
	}
	return nil
}

// splitEmails reads the form's comma-separated addresses.
func splitEmails(v string) []string {
	out := []string{}
	for _, a := range strings.Split(v, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// pageAlertSettings saves the retry screen's alert targets (§13).
func (h *Handler) pageAlertSettings(w http.ResponseWriter, r *http.Request) {
	in := &AlertSettings{EmailTo: splitEmails(r.PostFormValue(FieldAlertEmailTo)), Slack: r.PostFormValue("slack") == "on",
		SlackChannel: r.PostFormValue(FieldSlackChannel)}
	if _, err := h.apiAlertSettingsSet(r, in); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/retry", "Alert settings saved.")
}
