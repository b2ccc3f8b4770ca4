package workday

import (
	"encoding/json"
	"net/http"
	"strings"
)

// apiError is Workday's error body: {"error": "Validation error
// occurred.", "errors": [{"error": "...", "field": "..."}]}. The OAuth
// layer's refusals carry error_description.
type apiError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	Errors           []struct {
		Error string `json:"error"`
		Field string `json:"field"`
	} `json:"errors"`
}

// errorMessage is Workday's message with its field errors: "Validation
// error occurred.: proposedBusinessTitle: Proposed Business Title is
// required".
func errorMessage(_ int, _ http.Header, body []byte) string {
	var e apiError
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	parts := []string{}
	for _, s := range []string{e.Error, e.ErrorDescription} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	for _, fe := range e.Errors {
		switch {
		case fe.Field != "" && fe.Error != "":
			parts = append(parts, fe.Field+": "+fe.Error)
		case fe.Error != "":
			parts = append(parts, fe.Error)
		}
	}
	return strings.Join(parts, ": ")
}
