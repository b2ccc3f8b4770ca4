package microsoft

import (
	"encoding/json"
	"net/http"
)

// errorMessage reads Graph's error body, {"error": {"code":
// "ErrorItemNotFound", "message": "...", "innerError": {...}}}, as
// "message (code)".
func errorMessage(_ int, _ http.Header, body []byte) string {
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil || e.Error.Message == "" && e.Error.Code == "" {
		return ""
	}
	if e.Error.Code == "" {
		return e.Error.Message
	}
	return e.Error.Message + " (" + e.Error.Code + ")"
}
