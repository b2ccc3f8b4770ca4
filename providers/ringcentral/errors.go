package ringcentral

import (
	"encoding/json"
	"net/http"
)

// errorMessage reads RingCentral's error body, {"errorCode":
// "InvalidParameter", "message": "...", "errors": [{"errorCode":
// "CMN-101", "message": "...", "parameterName": "to"}]}, as "message
// (CMN-101)".
func errorMessage(_ int, _ http.Header, body []byte) string {
	var e struct {
		ErrorCode string `json:"errorCode"`
		Message   string `json:"message"`
		Errors    []struct {
			ErrorCode string `json:"errorCode"`
			Message   string `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	msg, code := e.Message, e.ErrorCode
	if len(e.Errors) > 0 {
		msg, code = or(e.Errors[0].Message, msg), or(e.Errors[0].ErrorCode, code)
	}
	if msg == "" || code == "" {
		return msg
	}
	return msg + " (" + code + ")"
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
