package everify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// do sends method path with the JSON body in (nil for none) and decodes the
// answer into out, with the credentials' bearer token. secrets are extra
// values to keep out of messages (the employee's SSN).
// An answer of 401 drops the cached token and the call is made once more
// with a fresh one (a token revoked or expired early).
func (p *Provider) do(ctx context.Context, st *settings, method, path string, in, out any, secrets ...string) error {
	r := &httpapi.Request{Method: method, URL: st.base.String() + path, Secrets: secrets}
	if in != nil {
		body, err := json.Marshal(in)
		if err != nil {
			return providers.InvalidInput(fmt.Errorf("everify: encode %s: %w", path, err))
		}
		r.Body, r.ContentType = body, "application/json"
	}
	resp, err := p.tokens.Do(ctx, p.c, st.oauth, r)
	if err != nil || out == nil {
		return err
	}
	return httpapi.DecodeBody(Name, path, resp.Body, out)
}

// errorMessage reads the error body as modelled: {"message": "...",
// "errors": [{"field": "ssn", "message": "..."}]}, or OAuth's {"error",
// "error_description"}.
func errorMessage(_ int, _ http.Header, body []byte) string {
	var e struct {
		Message string `json:"message"`
		Errors  []struct {
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"errors"`
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	parts := []string{}
	if e.Message != "" {
		parts = append(parts, e.Message)
	}
	for _, f := range e.Errors {
		parts = append(parts, f.Field+": "+f.Message)
	}
	if len(parts) == 0 {
		return strings.TrimSpace(e.Error + " " + e.ErrorDescription)
	}
	return strings.Join(parts, "; ")
}
