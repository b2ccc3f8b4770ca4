package linkedin

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// apiError is LinkedIn's error body: {"status": 401, "serviceErrorCode":
// 65600, "code": "INVALID_ACCESS_TOKEN", "message": "Invalid access
// token"}; serviceErrorCode and code are each absent from some answers.
type apiError struct {
	Status           int    `json:"status"`
	ServiceErrorCode int    `json:"serviceErrorCode"`
	Code             string `json:"code"`
	Message          string `json:"message"`
}

// errorMessage is LinkedIn's message with its codes: "Invalid access
// token (INVALID_ACCESS_TOKEN, serviceErrorCode 65600)".
func errorMessage(_ int, _ http.Header, body []byte) string {
	var e apiError
	if json.Unmarshal(body, &e) != nil || e.Message == "" {
		return ""
	}
	var codes []byte
	if e.Code != "" {
		codes = append(codes, e.Code...)
	}
	if e.ServiceErrorCode != 0 {
		if len(codes) > 0 {
			codes = append(codes, ", "...)
		}
		codes = append(codes, "serviceErrorCode "+strconv.Itoa(e.ServiceErrorCode)...)
	}
	if len(codes) == 0 {
		return e.Message
	}
	return e.Message + " (" + string(codes) + ")"
}
