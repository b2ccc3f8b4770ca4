package apiaccess

import (
	"encoding/json"
	"net/http"
)

// Messages of the middleware's answers. msgAuthFailed is §16's.
const (
	msgAuthFailed   = "Authentication failed. Please check credentials."
	msgForbidden    = "This API token may not make this request."
	msgUnavailable  = "The API is temporarily unavailable. Please retry shortly."
	detailMissing   = "Send an API token in the Authorization header: Bearer <token>."
	detailMalformed = "The API token is malformed or mistyped ("
	detailUnknown   = "The API token is not recognised."
	detailRevoked   = "The API token has been revoked."
	detailRotated   = "The API token has been replaced by a new token."
	detailGraceOver = "The API token was replaced by a new token; its grace period ended at "
	detailExpired   = "The API token expired at "
)

// errorBody is the JSON body of every error the middleware answers.
type errorBody struct {
	// Error is a stable code: token_missing, token_malformed,
	// token_invalid, token_revoked, token_rotated, token_expired,
	// insufficient_scope, rate_limited, unavailable.
	Error   string `json:"error"`
	Message string `json:"message"`
	Detail  string `json:"detail,omitempty"`
	// Limit and RetryAfter come with rate_limited.
	Limit      string `json:"limit,omitempty"`
	RetryAfter int    `json:"retry_after,omitempty"`
}

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
