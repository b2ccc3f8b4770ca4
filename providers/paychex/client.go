package paychex

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// get reads path with query q into out with the credentials' bearer token.
// An answer of 401 drops the cached token and the call is made once more
// with a fresh one (a token revoked or expired early).
func (p *Provider) get(ctx context.Context, st *settings, path string, q url.Values, out any) error {
	u := st.base.String() + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	resp, err := p.tokens.Do(ctx, p.c, st.oauth, &httpapi.Request{Method: http.MethodGet, URL: u})
	if err != nil {
		return err
	}
	return httpapi.DecodeBody(Name, path, resp.Body, out)
}

// errorMessage reads Paychex's error body: {"errors": [{"code",
// "description", "resolution"}]}, or OAuth's {"error", "error_description"}
// from the gateway.
func errorMessage(_ int, _ http.Header, body []byte) string {
	var e struct {
		Errors []struct {
			Code        string `json:"code"`
			Description string `json:"description"`
			Resolution  string `json:"resolution"`
		} `json:"errors"`
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	if len(e.Errors) > 0 {
		m := e.Errors[0].Description
		if e.Errors[0].Code != "" {
			m += " (" + e.Errors[0].Code + ")"
		}
		return m
	}
	if e.ErrorDescription != "" {
		return e.ErrorDescription
	}
	return e.Error
}
