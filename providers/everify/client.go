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
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return providers.InvalidInput(fmt.Errorf("everify: encode %s: %w", path, err))
		}
	}
	for attempt := 1; ; attempt++ {
		key, ts := p.tokens.Source(st.oauth)
		tok, err := httpapi.Token(ctx, ts)
		if err != nil {
			return httpapi.TokenError(Name, err, p.c.Now(), st.secret)
		}
		r := &httpapi.Request{Method: method, URL: st.base.String() + path,
			Secrets: append([]string{st.secret, tok.AccessToken}, secrets...), Auth: func(r *http.Request) { tok.SetAuthHeader(r) }}
		if body != nil {
			r.Body, r.ContentType = body, "application/json"
		}
		resp, err := p.c.Do(ctx, r)
		if attempt == 1 && httpapi.StatusCode(err) == http.StatusUnauthorized {
			p.c.Logger.DebugContext(ctx, "everify: token refused, fetching a new one", "clientId", st.clientID)
			p.tokens.Drop(key, ts)
			continue
		}
		if err != nil {
			return err
		}
		if out == nil {
			return nil
		}
		return httpapi.DecodeBody(Name, path, resp.Body, out)
	}
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
