package adp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

// maxBody bounds the response bodies read from ADP.
const maxBody = 8 << 20

// client makes authenticated calls with one integration's settings.
type client struct {
	p *Provider
	s *settings
}

// get reads path with query q into out. It returns false, nil for 204 No
// Content (ADP's answer past the last page). A 401 drops the cached token
// and the call is made once more with a fresh one.
func (c *client) get(ctx context.Context, path string, q url.Values, out any) (bool, error) {
	for attempt := 1; ; attempt++ {
		sess := c.p.sessions.get(c.s.key, func() *session { return c.p.newSession(c.s) })
		found, err := c.getOnce(ctx, sess, path, q, out)
		var e *providers.Error
		if attempt == 1 && errors.As(err, &e) && e.Kind == providers.KindAuth && e.Err == errUnauthorized {
			c.p.cfg.Logger.DebugContext(ctx, "adp: token refused, fetching a new one", "clientId", c.s.clientID)
			c.p.sessions.drop(c.s.key, sess)
			continue
		}
		return found, err
	}
}

// errUnauthorized marks an API answer of 401: the token was refused.
var errUnauthorized = errors.New("adp: access token refused")

func (c *client) getOnce(ctx context.Context, sess *session, path string, q url.Values, out any) (bool, error) {
	tok, err := sess.token(ctx)
	if err != nil {
		return false, c.tokenError(err)
	}
	u := c.s.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false, providers.InvalidInput(fmt.Errorf("adp: build request: %w", err))
	}
	tok.SetAuthHeader(req)
	req.Header.Set("Accept", "application/json")
	start := c.p.cfg.Now()
	resp, err := sess.http.Do(req)
	if err != nil {
		return false, c.transportError(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	c.p.cfg.Logger.DebugContext(ctx, "adp: request", "path", path, "status", resp.StatusCode,
		"duration", c.p.cfg.Now().Sub(start))
	switch {
	case err != nil:
		return false, c.transportError(err)
	case resp.StatusCode == http.StatusNoContent:
		return false, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return false, c.statusError(resp.StatusCode, resp.Header, errorMessage(resp.StatusCode, body))
	}
	if err := json.Unmarshal(body, out); err != nil {
		return false, providers.NewError(providers.KindPermanent, fmt.Errorf("adp: decode %s: %w", path, err))
	}
	return true, nil
}

// statusError classifies an error answer of the API or the token endpoint.
func (c *client) statusError(code int, h http.Header, msg string) error {
	msg = fmt.Sprintf("adp: %d %s", code, c.s.redact(msg))
	switch {
	case code == http.StatusUnauthorized:
		return &providers.Error{Kind: providers.KindAuth, Message: msg, Err: errUnauthorized}
	case code == http.StatusForbidden:
		return providers.AuthFailed(errors.New(msg))
	case code == http.StatusTooManyRequests:
		after, _ := retry.ParseRetryAfter(h.Get("Retry-After"), c.p.cfg.Now())
		return &providers.Error{Kind: providers.KindRateLimited, RetryAfter: after, Message: msg}
	case code >= 500:
		return providers.Unavailable(errors.New(msg), retry.ClassServerError)
	case code >= 400:
		return providers.InvalidInput(errors.New(msg))
	}
	return providers.NewError(providers.KindPermanent, errors.New(msg))
}

// tokenError classifies a failed token request: the endpoint's refusals
// (400 invalid_client, 401) are auth failures, 429 and 5xx as for the API,
// and transport failures as [client.transportError].
func (c *client) tokenError(err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response == nil {
		return c.transportError(err)
	}
	code := re.Response.StatusCode
	msg := "token request refused"
	if re.ErrorCode != "" {
		msg += ": " + strings.TrimSpace(re.ErrorCode+" "+re.ErrorDescription)
	}
	if code == http.StatusTooManyRequests || code >= 500 {
		return c.statusError(code, re.Response.Header, msg)
	}
	return providers.AuthFailed(fmt.Errorf("adp: %d %s", code, c.s.redact(msg)))
}

// transportError classifies a failed round trip. A TLS alert from the
// server (net.OpError "remote error", as crypto/tls reports it) after our
// certificate was sent means the server refused the certificate: that is a
// TLS failure ("SSL certificate verification failed"), not a network one.
// Other errors keep their behaviour-based class (x509 errors are TLS,
// timeouts, refused connections, DNS).
func (c *client) transportError(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "remote error" {
		return &providers.Error{Kind: providers.KindPermanent, Class: retry.ClassTLS, Err: err,
			Message: "adp: the server refused the TLS connection; check that the client certificate is the one ADP issued " +
				"and has not expired or been revoked (" + op.Err.Error() + ")"}
	}
	return fmt.Errorf("adp: %w", err)
}

// errorMessage extracts ADP's message from an error body: the API's
// confirmMessage.processMessages[].userMessage.messageTxt, the gateway's
// response.applicationCode.message, or OAuth's error_description; else the
// status text.
func errorMessage(code int, body []byte) string {
	var e struct {
		ConfirmMessage struct {
			ProcessMessages []struct {
				UserMessage struct {
					MessageTxt string `json:"messageTxt"`
				} `json:"userMessage"`
			} `json:"processMessages"`
		} `json:"confirmMessage"`
		Response struct {
			ApplicationCode struct {
				Message string `json:"message"`
			} `json:"applicationCode"`
		} `json:"response"`
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	if json.Unmarshal(body, &e) == nil {
		for _, m := range e.ConfirmMessage.ProcessMessages {
			if m.UserMessage.MessageTxt != "" {
				return truncate(m.UserMessage.MessageTxt)
			}
		}
		for _, s := range []string{e.Response.ApplicationCode.Message, e.ErrorDescription, e.Error} {
			if s != "" {
				return truncate(s)
			}
		}
	}
	return http.StatusText(code)
}

func truncate(s string) string {
	const n = 300
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
