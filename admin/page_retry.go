package admin

import (
	"net/http"
	"strconv"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/retry"
)

// retryView is the §13 retry configuration.
type retryView struct {
	Scope    string // a webhook ID, or "" for the organization default
	Webhooks []*Webhook
	Form     retryForm
	Errors   map[string]string
	Preview  string
	Source   string
	Editable bool
	Classes  []classOption
	DLQCount int
	DLQMore  bool
	// Alerts are where alerts are sent (§13 "Alert when DLQ has items").
	Alerts *AlertSettings
}

// retryForm is the form as shown: text for numbers, so that what was typed
// comes back with its message.
type retryForm struct {
	MaxRetries, Strategy, FixedDelay, MaxDelay, AttemptTimeout string
	Jitter, DLQ                                                bool
	RetryOn                                                    []string
}

// classOption is one "retry on these errors" checkbox.
type classOption struct {
	Name, Label string
}

// retryClasses are the §13 choices, in its order.
var retryClasses = []struct {
	c     retry.Class
	label string
}{
	{retry.ClassServerError, "5xx Server Errors (500, 502, 503, 504)"},
	{retry.ClassTimeout, "Connection Timeout (ETIMEDOUT)"},
	{retry.ClassConnRefused, "Connection Refused (ECONNREFUSED)"},
	{retry.ClassDNS, "DNS Resolution Failure (ENOTFOUND)"},
	{retry.ClassRateLimited, "429 Too Many Requests (may need rate limiting)"},
	{retry.ClassClientError, "4xx Client Errors (usually not retriable)"},
	{retry.ClassNetwork, "Other network failures (connection reset, unreachable)"},
	{retry.ClassTLS, "SSL/TLS failures"},
}

func formOf(f retry.PolicyForm) retryForm {
	s := func(p *int) string {
		if p == nil {
			return ""
		}
		return strconv.Itoa(*p)
	}
	out := retryForm{MaxRetries: s(f.MaxRetries), Strategy: string(f.RetryStrategy), FixedDelay: s(f.FixedDelay),
		MaxDelay: s(f.MaxDelay), AttemptTimeout: s(f.AttemptTimeout), RetryOn: f.RetryOn,
		Jitter: f.EnableJitter == nil || *f.EnableJitter, DLQ: f.EnableDlq == nil || *f.EnableDlq}
	if out.FixedDelay == "" {
		out.FixedDelay = strconv.Itoa(int(retry.DefaultFixedDelay.Seconds()))
	}
	return out
}

// retryPage loads the form of a scope.
func (h *Handler) retryPage(r *http.Request, scope string) (*retryView, error) {
	v := &retryView{Scope: scope, Errors: map[string]string{}}
	for _, c := range retryClasses {
		v.Classes = append(v.Classes, classOption{Name: c.c.String(), Label: c.label})
	}
	var err error
	if v.Webhooks, err = h.listWebhooks(r, ""); err != nil {
		return nil, err
	}
	if v.Alerts, err = h.apiAlertSettingsGet(r, nil); err != nil {
		return nil, err
	}
	if v.DLQCount, v.DLQMore, err = h.dlqCount(r); err != nil {
		return nil, err
	}
	var s *RetrySettings
	if scope == "" {
		s, err = h.apiRetryDefaultGet(r, nil)
	} else {
		id, perr := uuid.Parse(scope)
		if perr != nil {
			return nil, errNotFound
		}
		s, err = h.webhookPolicy(r, id)
	}
	if err != nil {
		return nil, err
	}
	v.Form, v.Preview, v.Source, v.Editable = formOf(s.Policy), s.Preview, s.Source, s.Editable
	return v, nil
}

func (h *Handler) pageRetry(w http.ResponseWriter, r *http.Request) {
	v, err := h.retryPage(r, r.URL.Query().Get("webhook"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "retry", http.StatusOK, h.newView(w, r, "retry", "Retry configuration", v))
}

// pageRetrySave saves the form for its scope (ADMIN-INT-012), or returns a
// webhook to the organization's default.
func (h *Handler) pageRetrySave(w http.ResponseWriter, r *http.Request) {
	scope := r.PostFormValue("scope")
	v, err := h.retryPage(r, scope)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	back := "/retry" + queryString("webhook", scope)
	if r.PostFormValue("action") == "reset" && scope != "" {
		r.SetPathValue("id", scope)
		if _, err := h.apiWebhookRetryReset(r, nil); err != nil {
			h.fail(w, r, err)
			return
		}
		h.redirect(w, r, back, "The webhook now uses the organization's default retry policy.")
		return
	}
	form := retry.ParsePolicyForm(r.PostForm)
	if scope == "" {
		_, err = h.apiRetryDefaultSet(r, &form)
	} else {
		r.SetPathValue("id", scope)
		_, err = h.apiWebhookRetrySet(r, &form)
	}
	if err != nil {
		if !formErrors(err, v.Errors) {
			h.fail(w, r, err)
			return
		}
		v.Form = formOf(form)
		v.Form.Jitter, v.Form.DLQ = *form.EnableJitter, *form.EnableDlq
		v.Form.FixedDelay = r.PostFormValue(retry.FieldFixedDelay)
		h.render(w, r, "retry", http.StatusUnprocessableEntity, h.newView(w, r, "retry", "Retry configuration", v).at(h, "/retry"+queryString("webhook", scope)))
		return
	}
	h.redirect(w, r, back, "Retry configuration saved.")
}
