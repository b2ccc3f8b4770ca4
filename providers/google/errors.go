package google

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

// apiError is Google's error body: {"error": {"code": 403, "message":
// "...", "status": "PERMISSION_DENIED", "errors": [{"domain":
// "usageLimits", "reason": "rateLimitExceeded", "message": "..."}]}}.
type apiError struct {
	Error struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Status  string `json:"status"`
		Errors  []struct {
			Domain  string `json:"domain"`
			Reason  string `json:"reason"`
			Message string `json:"message"`
		} `json:"errors"`
	} `json:"error"`
}

func parseError(body []byte) (*apiError, string) {
	var e apiError
	if json.Unmarshal(body, &e) != nil {
		return nil, ""
	}
	reason := ""
	if len(e.Error.Errors) > 0 {
		reason = e.Error.Errors[0].Reason
	}
	return &e, reason
}

// errorMessage is Google's message with its reason: "Rate Limit Exceeded
// (rateLimitExceeded)".
func errorMessage(_ int, _ http.Header, body []byte) string {
	e, reason := parseError(body)
	if e == nil || e.Error.Message == "" {
		return ""
	}
	if reason != "" {
		return e.Error.Message + " (" + reason + ")"
	}
	return e.Error.Message
}

// rateReasons are the 403 reasons Google's Calendar API documents for
// exceeded usage limits: back off and retry, as for a 429.
var rateReasons = []string{"rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded", "dailyLimitExceeded"}

// eventReasons are 403 reasons about the event asked for, not the
// credentials: the call cannot succeed as asked.
var eventReasons = []string{"forbiddenForNonOrganizer", "forbiddenForServiceAccounts"}

// classify revises the kind of Google's 403, which means a rate limit, an
// operation not allowed on this event, or missing permissions (the
// default: authentication).
func classify(code int, _ http.Header, body []byte, e *providers.Error) {
	if code != http.StatusForbidden {
		return
	}
	_, reason := parseError(body)
	switch {
	case slices.Contains(rateReasons, reason):
		e.Kind, e.Class = providers.KindRateLimited, retry.ClassRateLimited
	case slices.Contains(eventReasons, reason):
		e.Kind = providers.KindInvalidInput
	}
}
