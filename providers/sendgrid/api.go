package sendgrid

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

// apiError is SendGrid's error body: {"errors": [{"message", "field",
// "help"}]}.
type apiError struct {
	Errors []struct {
		Message string  `json:"message"`
		Field   *string `json:"field"`
	} `json:"errors"`
}

func (e *apiError) String() string {
	msgs := make([]string, 0, len(e.Errors))
	for _, x := range e.Errors {
		m := x.Message
		if x.Field != nil && *x.Field != "" {
			m = *x.Field + ": " + m
		}
		msgs = append(msgs, m)
	}
	return strings.Join(msgs, "; ")
}

// call sends a request with the API key and returns the response, its body
// read (at most 64 KiB), or a classified error.
func (p *Provider) call(ctx context.Context, st *settings, method, path string, body any) (*http.Response, []byte, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, nil, providers.InvalidInput(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, st.base.String()+path, r)
	if err != nil {
		return nil, nil, providers.InvalidInput(err)
	}
	req.Header.Set("Authorization", "Bearer "+st.apiKey)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := p.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, nil, providers.AsError(err) // timeout, refused, DNS, TLS: by behaviour
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return nil, nil, providers.AsError(err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp, b, nil
	}
	return nil, nil, p.statusError(resp, b)
}

// statusError classifies an error response: 401 and 403 are rejected
// credentials, 400 and 413 invalid input (with SendGrid's messages), 429 a
// rate limit with its wait, 5xx retryable.
func (p *Provider) statusError(resp *http.Response, body []byte) error {
	var ae apiError
	_ = json.Unmarshal(body, &ae)
	detail := ae.String()
	if detail == "" {
		detail = http.StatusText(resp.StatusCode)
	}
	err := fmt.Errorf("sendgrid: %d: %s", resp.StatusCode, detail)
	switch code := resp.StatusCode; {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return providers.AuthFailed(err)
	case code == http.StatusBadRequest || code == http.StatusRequestEntityTooLarge || code == http.StatusUnprocessableEntity:
		return providers.InvalidInput(err)
	case code == http.StatusTooManyRequests:
		return &providers.Error{Kind: providers.KindRateLimited, RetryAfter: p.retryAfter(resp.Header),
			Message: err.Error(), Err: err}
	case code >= 500:
		return providers.Unavailable(err, retry.ClassServerError)
	}
	return providers.NewError(providers.KindPermanent, err)
}

// retryAfter reads Retry-After, or else X-RateLimit-Reset (a Unix time).
func (p *Provider) retryAfter(h http.Header) time.Duration {
	now := p.cfg.Now()
	if d, ok := retry.ParseRetryAfter(h.Get("Retry-After"), now); ok {
		return d
	}
	if reset, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
		return max(time.Unix(reset, 0).Sub(now), 0)
	}
	return 0
}

var errNoMessageID = errors.New("sendgrid: 202 without X-Message-Id")
