package checkr

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

// maxBody bounds the response bodies read from Checkr.
const maxBody = 1 << 20

// client makes authenticated calls with one integration's settings.
type client struct {
	p *Provider
	s *settings
}

// do sends method path with in as its JSON body (nil for none) and decodes
// a 2xx answer into out (nil to discard it). Failures are classified
// *providers.Error values or transport errors wrapped with %w.
func (c *client) do(ctx context.Context, method, path string, in, out any) error {
	req, err := c.request(ctx, method, path, in)
	if err != nil {
		return err
	}
	start := c.p.now()
	resp, err := c.p.http.Do(req)
	if err != nil {
		c.p.logger.DebugContext(ctx, "checkr: request failed", "method", method, "path", path, "error", err)
		return fmt.Errorf("checkr: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	c.p.logger.DebugContext(ctx, "checkr: request", "method", method, "path", path,
		"status", resp.StatusCode, "duration", c.p.now().Sub(start))
	if err != nil {
		return fmt.Errorf("checkr: %s %s: read response: %w", method, path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.statusError(resp, body)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return providers.NewError(providers.KindPermanent, fmt.Errorf("checkr: decode %s %s: %w", method, path, err))
	}
	return nil
}

func (c *client) request(ctx context.Context, method, path string, in any) (*http.Request, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, providers.InvalidInput(fmt.Errorf("checkr: encode request: %w", err))
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.s.base+path, body)
	if err != nil {
		return nil, providers.InvalidInput(fmt.Errorf("checkr: build request: %w", err))
	}
	req.SetBasicAuth(c.s.apiKey, "")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "intime-provider-checkr/"+Version)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// statusError classifies an error answer: 401 and 403 are auth failures,
// 429 is rate limited (Retry-After, else X-Ratelimit-Reset), 5xx is
// retryable and other 4xx are invalid input.
func (c *client) statusError(resp *http.Response, body []byte) error {
	code := resp.StatusCode
	err := fmt.Errorf("checkr: %d %s", code, c.redact(errorMessage(code, body)))
	switch {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return providers.AuthFailed(err)
	case code == http.StatusTooManyRequests:
		return &providers.Error{Kind: providers.KindRateLimited, RetryAfter: rateLimitWait(resp.Header, c.p.now()),
			Message: err.Error(), Err: err}
	case code >= 500:
		return providers.Unavailable(err, retry.ClassServerError)
	case code >= 400:
		return providers.InvalidInput(err)
	}
	return providers.NewError(providers.KindPermanent, err)
}

// redact removes the API key from text that came from the network, in case
// an answer echoes it.
func (c *client) redact(s string) string {
	if c.s.apiKey == "" {
		return s
	}
	return strings.ReplaceAll(s, c.s.apiKey, "[redacted]")
}

// errorMessage returns Checkr's {"error": "..."} (or {"errors": [...]})
// text, else the status text.
func errorMessage(code int, body []byte) string {
	var e struct {
		Error  string   `json:"error"`
		Errors []string `json:"errors"`
	}
	if json.Unmarshal(body, &e) == nil {
		if e.Error != "" {
			return truncate(e.Error)
		}
		if len(e.Errors) > 0 {
			return truncate(strings.Join(e.Errors, "; "))
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

// rateLimitWait reads Retry-After, else Checkr's X-Ratelimit-Reset (a Unix
// time), relative to now.
func rateLimitWait(h http.Header, now time.Time) time.Duration {
	if d, ok := retry.ParseRetryAfter(h.Get("Retry-After"), now); ok {
		return d
	}
	if sec, err := strconv.ParseInt(h.Get("X-Ratelimit-Reset"), 10, 64); err == nil {
		return max(time.Unix(sec, 0).Sub(now), 0)
	}
	return 0
}

// errMissing is returned for a payload without a required field.
func errMissing(op, field string) error {
	return providers.InvalidInput(errors.New("checkr: " + op + ": " + field + " is required"))
}
