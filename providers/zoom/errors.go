package zoom

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

// apiError is Zoom's error body: {"code": 124, "message": "Invalid access
// token."}.
type apiError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// errorMessage is Zoom's message with its code: "Meeting does not exist:
// 123. (Zoom error 3001)".
func errorMessage(_ int, _ http.Header, body []byte) string {
	var e apiError
	if json.Unmarshal(body, &e) != nil || e.Message == "" {
		return ""
	}
	if e.Code != 0 {
		return e.Message + " (Zoom error " + strconv.Itoa(e.Code) + ")"
	}
	return e.Message
}

// The Zoom error codes about the access token, whatever the HTTP status:
// 124 invalid or expired token, 4711 a token without the scope the call
// needs (answered 400).
const (
	codeInvalidToken = 124
	codeMissingScope = 4711
)

// classify makes Zoom's token errors auth failures even when Zoom answers
// them 400.
func classify(_ int, _ http.Header, body []byte, e *providers.Error) {
	var ae apiError
	if json.Unmarshal(body, &ae) == nil && (ae.Code == codeInvalidToken || ae.Code == codeMissingScope) {
		e.Kind, e.Class = providers.KindAuth, retry.ClassNone
	}
}
