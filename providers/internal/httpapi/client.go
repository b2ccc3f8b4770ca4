package httpapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

// DefaultTimeout bounds one request when a provider owns its HTTP client.
const DefaultTimeout = 30 * time.Second

// DefaultMaxBody bounds the response bodies read.
const DefaultMaxBody = 4 << 20

// DefaultMaxIdleConnsPerHost is how many idle connections to a service a
// provider's own client keeps. net/http's default of 2 makes concurrent
// calls beyond 2 open and close a connection each (measured with the
// google provider's benchmark: 8-way parallel creates went from about
// 1,000 to 2,700 a second on 2 cores with 32).
const DefaultMaxIdleConnsPerHost = 32

// Client sends requests for one provider. Its fields are set once; it is
// safe for concurrent use.
type Client struct {
	// Name prefixes messages: "twilio".
	Name string
	// HTTP sends the requests.
	HTTP *http.Client
	// Logger receives one debug record per request (method, path, status,
	// duration; never credentials, bodies or query strings).
	Logger *slog.Logger
	// Now is the clock for durations and Retry-After dates.
	Now func() time.Time
	// ErrorMessage extracts the service's message from an error answer;
	// nil or "" means the status text.
	ErrorMessage func(code int, h http.Header, body []byte) string
	// MaxBody bounds the bodies read; zero means DefaultMaxBody.
	MaxBody int64
	// Classify, if set, revises the classification of an error answer
	// after [StatusError]: for services whose status codes mean more than
	// one thing (Google answers 403 both for missing permissions and for
	// rate limits, telling them apart in the body).
	Classify func(code int, h http.Header, body []byte, e *providers.Error)
	// Header holds headers sent with every request unless the request sets
	// them (Microsoft Graph's Prefer: outlook.timezone="UTC").
	Header http.Header

	owned *http.Transport
}

// NewClient returns a client named name using hc, or a client of its own
// with [DefaultTimeout] and [DefaultMaxIdleConnsPerHost] when hc is nil
// (closed by [Client.Close]). A nil logger discards; a nil now means
// time.Now.
func NewClient(name string, hc *http.Client, logger *slog.Logger, now func() time.Time) *Client {
	c := &Client{Name: name, HTTP: hc, Logger: logger, Now: now}
	if c.HTTP == nil {
		c.owned = http.DefaultTransport.(*http.Transport).Clone()
		c.owned.MaxIdleConnsPerHost = DefaultMaxIdleConnsPerHost
		c.HTTP = &http.Client{Transport: c.owned, Timeout: DefaultTimeout}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Close closes the idle connections of the client's own transport.
func (c *Client) Close() {
	if c.owned != nil {
		c.owned.CloseIdleConnections()
	}
}

// Request is one HTTP request.
type Request struct {
	Method string
	// URL is the full URL, query included.
	URL string
	// Body, if non-nil, is sent with ContentType.
	Body        []byte
	ContentType string
	// Header holds extra headers (Accept defaults to application/json).
	Header http.Header
	// Auth, if set, adds the credentials to the request.
	Auth func(*http.Request)
	// Secrets are values to remove from any message built from the answer.
	Secrets []string
}

// Response is a 2xx answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends r. A 2xx answer is returned; any other is a classified error
// (see [StatusError]), as is a transport failure.
func (c *Client) Do(ctx context.Context, r *Request) (*Response, error) {
	req, err := c.build(ctx, r)
	if err != nil {
		return nil, err
	}
	path := Redact(req.URL.Path, r.Secrets...) // a webhook's path can be its secret
	start := c.Now()
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.Logger.DebugContext(ctx, c.Name+": request failed", "method", r.Method, "path", path,
			"error", Redact(TransportError(c.Name, req, err).Error(), r.Secrets...))
		return nil, TransportError(c.Name, req, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody()))
	c.Logger.DebugContext(ctx, c.Name+": request", "method", r.Method, "path", path,
		"status", resp.StatusCode, "duration", c.Now().Sub(start))
	if err != nil {
		return nil, TransportError(c.Name, req, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		msg := ""
		if c.ErrorMessage != nil {
			msg = c.ErrorMessage(resp.StatusCode, resp.Header, body)
		}
		err := StatusError(c.Name, resp.StatusCode, resp.Header, Redact(msg, r.Secrets...), c.Now())
		if c.Classify != nil {
			c.Classify(resp.StatusCode, resp.Header, body, err.(*providers.Error))
		}
		return nil, err
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

func (c *Client) maxBody() int64 {
	if c.MaxBody > 0 {
		return c.MaxBody
	}
	return DefaultMaxBody
}

func (c *Client) build(ctx context.Context, r *Request) (*http.Request, error) {
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, body)
	if err != nil {
		// The URL may hold a secret: keep only the reason.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, providers.InvalidInput(fmt.Errorf("%s: build request: %w", c.Name, err))
	}
	for k, v := range c.Header {
		req.Header[k] = v
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	if r.Body != nil && r.ContentType != "" {
		req.Header.Set("Content-Type", r.ContentType)
	}
	req.Header.Set("User-Agent", "intime-provider-"+c.Name)
	if r.Auth != nil {
		r.Auth(req)
	}
	return req, nil
}

// TransportError wraps a failed round trip without the request's URL
// (which may carry a secret) or query: "name: POST host/path: reason". The
// reason keeps its class for [retry.ClassifyError].
func TransportError(name string, req *http.Request, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("%s: %s %s: %w", name, req.Method, req.URL.Host, err)
}

// StatusError classifies an error answer of code with the service's
// message msg (empty means the status text). The *providers.Error wraps a
// *[Status], so that the provider can tell codes apart ([StatusCode]).
func StatusError(name string, code int, h http.Header, msg string, now time.Time) error {
	if msg == "" {
		msg = http.StatusText(code)
	}
	st := &Status{Code: code, text: fmt.Sprintf("%s: %d %s", name, code, Truncate(msg))}
	after, _ := retry.ParseRetryAfter(h.Get("Retry-After"), now)
	e := &providers.Error{Kind: providers.KindPermanent, Message: st.text, Err: st}
	switch {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		e.Kind = providers.KindAuth
	case code == http.StatusTooManyRequests:
		e.Kind, e.RetryAfter = providers.KindRateLimited, after
	case code == http.StatusRequestTimeout:
		e.Kind, e.Class, e.RetryAfter = providers.KindRetryable, retry.ClassTimeout, after
	case code >= 500:
		e.Kind, e.Class, e.RetryAfter = providers.KindRetryable, retry.ClassServerError, after
	case code >= 400:
		e.Kind = providers.KindInvalidInput
	}
	return e
}

// Status is an HTTP error answer's code, wrapped by [StatusError]'s errors.
type Status struct {
	Code int
	text string
}

func (s *Status) Error() string { return s.text }

// StatusCode returns the HTTP status of an error answer in err's chain, or
// 0.
func StatusCode(err error) int {
	var s *Status
	if errors.As(err, &s) {
		return s.Code
	}
	return 0
}

// Redact replaces every non-empty secret in s.
func Redact(s string, secrets ...string) string {
	for _, v := range secrets {
		if v != "" {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
	}
	return s
}

// Truncate shortens a service's message to 300 bytes.
func Truncate(s string) string {
	const n = 300
	s = strings.TrimSpace(s)
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
