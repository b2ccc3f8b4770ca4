package retry_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/retry"
)

// pluginError is a caller's own error type carrying a class, as a provider
// plugin's reply would be rebuilt on the host side.
type pluginError struct {
	class retry.Class
	wait  time.Duration
}

func (e *pluginError) Error() string             { return "plugin: " + e.class.String() }
func (e *pluginError) RetryClass() retry.Class   { return e.class }
func (e *pluginError) RetryDelay() time.Duration { return e.wait }

func opErr(errno syscall.Errno) error {
	return &url.Error{Op: "Post", URL: "https://hooks.example.com", Err: &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", errno)}}
}

func TestClassifyError(t *testing.T) {
	t.Parallel()

	base := errors.New("boom")
	tests := []struct {
		name       string
		err        error
		want       retry.Class
		retryAfter time.Duration
		status     int
	}{
		{"Nil", nil, retry.ClassNone, 0, 0},
		{"Plain", base, retry.ClassUnknown, 0, 0},
		{"PlainEOF", io.EOF, retry.ClassUnknown, 0, 0},
		{"Canceled", fmt.Errorf("send: %w", context.Canceled), retry.ClassCanceled, 0, 0},
		{"DeadlineExceeded", fmt.Errorf("send: %w", context.DeadlineExceeded), retry.ClassTimeout, 0, 0},
		{"ETIMEDOUT", opErr(syscall.ETIMEDOUT), retry.ClassTimeout, 0, 0},
		{"OSDeadline", &net.OpError{Op: "read", Err: os.ErrDeadlineExceeded}, retry.ClassTimeout, 0, 0},
		{"DNSNotFound", &url.Error{Op: "Get", URL: "http://x.invalid", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}}}, retry.ClassDNS, 0, 0},
		{"DNSTimeout", &net.DNSError{Err: "i/o timeout", Name: "example.com", IsTimeout: true}, retry.ClassDNS, 0, 0},
		{"ECONNREFUSED", opErr(syscall.ECONNREFUSED), retry.ClassConnRefused, 0, 0},
		{"ECONNRESET", opErr(syscall.ECONNRESET), retry.ClassNetwork, 0, 0},
		{"EPIPE", opErr(syscall.EPIPE), retry.ClassNetwork, 0, 0},
		{"EHOSTUNREACH", opErr(syscall.EHOSTUNREACH), retry.ClassNetwork, 0, 0},
		{"OtherOpError", &net.OpError{Op: "dial", Err: errors.New("odd")}, retry.ClassNetwork, 0, 0},
		{"UnexpectedEOF", fmt.Errorf("read body: %w", io.ErrUnexpectedEOF), retry.ClassNetwork, 0, 0},
		{"ServerClosed", &url.Error{Op: "Post", URL: "http://x", Err: io.EOF}, retry.ClassNetwork, 0, 0},
		{"NetClosed", fmt.Errorf("write: %w", net.ErrClosed), retry.ClassNetwork, 0, 0},
		{"UnknownAuthority", &url.Error{Op: "Get", URL: "https://x", Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}}, retry.ClassTLS, 0, 0},
		{"Hostname", x509.HostnameError{Host: "x"}, retry.ClassTLS, 0, 0},
		{"Expired", x509.CertificateInvalidError{Reason: x509.Expired}, retry.ClassTLS, 0, 0},
		{"RecordHeader", tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, retry.ClassTLS, 0, 0},
		{"Alert", fmt.Errorf("remote error: %w", tls.AlertError(42)), retry.ClassTLS, 0, 0},
		{"PeerAlert", &url.Error{Op: "Post", URL: "https://x", Err: &net.OpError{Op: "remote error", Err: errors.New("tls: certificate required")}}, retry.ClassTLS, 0, 0},
		{"Permanent", retry.Permanent(opErr(syscall.ECONNREFUSED)), retry.ClassPermanent, 0, 0},
		{"WrappedPermanent", fmt.Errorf("deliver: %w", retry.Permanent(base)), retry.ClassPermanent, 0, 0},
		{"BackoffPermanent", backoff.Permanent(opErr(syscall.ETIMEDOUT)), retry.ClassPermanent, 0, 0},
		{"PermanentCanceled", retry.Permanent(context.Canceled), retry.ClassPermanent, 0, 0},
		{"WithClass", retry.WithClass(base, retry.ClassServerError), retry.ClassServerError, 0, 0},
		{"WithClassOverrides", retry.WithClass(opErr(syscall.ECONNREFUSED), retry.ClassClientError), retry.ClassClientError, 0, 0},
		{"WithClassNone", retry.WithClass(base, retry.ClassNone), retry.ClassUnknown, 0, 0},
		{"RateLimited", retry.RateLimited(base, 5*time.Second), retry.ClassRateLimited, 5 * time.Second, 0},
		{"StatusError", fmt.Errorf("call: %w", &retry.StatusError{StatusCode: 503, RetryAfter: 2 * time.Second}), retry.ClassServerError, 2 * time.Second, 503},
		{"StatusError429", &retry.StatusError{StatusCode: 429}, retry.ClassRateLimited, 0, 429},
		{"StatusError404", &retry.StatusError{StatusCode: 404}, retry.ClassClientError, 0, 404},
		{"CustomType", fmt.Errorf("rpc: %w", &pluginError{class: retry.ClassDNS, wait: time.Second}), retry.ClassDNS, time.Second, 0},
		{"CustomNegativeWait", &pluginError{class: retry.ClassRateLimited, wait: -time.Second}, retry.ClassRateLimited, 0, 0},
		{"DoError", &retry.Error{Attempts: 4, Last: retry.Outcome{Class: retry.ClassServerError, RetryAfter: time.Second}, Err: base}, retry.ClassServerError, time.Second, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := retry.ClassifyError(tt.err)
			require.Equal(t, tt.want, o.Class, "class of %v", tt.err)
			require.Equal(t, tt.retryAfter, o.RetryAfter)
			require.Equal(t, tt.status, o.StatusCode)
			require.Equal(t, tt.err, o.Err)
		})
	}
}

func TestIsRetryable(t *testing.T) {
	t.Parallel()

	require.True(t, retry.IsRetryable(opErr(syscall.ECONNREFUSED)))
	require.True(t, retry.IsRetryable(&retry.StatusError{StatusCode: 502}))
	require.True(t, retry.IsRetryable(retry.RateLimited(errors.New("slow down"), 0)))
	require.True(t, retry.IsRetryable(context.DeadlineExceeded))
	require.False(t, retry.IsRetryable(nil))
	require.False(t, retry.IsRetryable(errors.New("boom")))
	require.False(t, retry.IsRetryable(&retry.StatusError{StatusCode: 401}))
	require.False(t, retry.IsRetryable(retry.Permanent(opErr(syscall.ECONNREFUSED))))
	require.False(t, retry.IsRetryable(context.Canceled))
	require.False(t, retry.IsRetryable(x509.UnknownAuthorityError{}))
}

func TestErrorConstructors(t *testing.T) {
	t.Parallel()

	base := errors.New("boom")
	require.NoError(t, retry.Permanent(nil))
	require.NoError(t, retry.WithClass(nil, retry.ClassTLS))
	require.NoError(t, retry.RateLimited(nil, time.Second))
	for _, err := range []error{retry.Permanent(base), retry.WithClass(base, retry.ClassDNS), retry.RateLimited(base, time.Second)} {
		require.ErrorIs(t, err, base)
		require.Equal(t, "boom", err.Error())
	}
	require.EqualError(t, &retry.StatusError{StatusCode: 503}, "http status 503 Service Unavailable")
	e := &retry.Error{Attempts: 1, Last: retry.Outcome{Class: retry.ClassClientError}, Err: base}
	require.EqualError(t, e, "retry: gave up after 1 attempt (client_error): boom")
	e.Attempts = 4
	require.EqualError(t, e, "retry: gave up after 4 attempts (client_error): boom")
	require.ErrorIs(t, e, base)
}

// TestStatusErrorWrapped: a StatusError says its status once however it is
// wrapped, by a provider or by Do.
func TestStatusErrorWrapped(t *testing.T) {
	t.Parallel()

	se := &retry.StatusError{StatusCode: 503}
	err := retry.Do(t.Context(), retry.DefaultPolicy(),
		func(context.Context) error { return fmt.Errorf("sendgrid: send: %w", se) }, &retry.DoOpts{Timer: newFakeTimer()})
	require.EqualError(t, err, "retry: gave up after 4 attempts (server_error): sendgrid: send: http status 503 Service Unavailable")
	for _, text := range []string{"retry:", "http status", "503", "Service Unavailable"} {
		require.Equal(t, 1, strings.Count(err.Error(), text), "%q in %q", text, err)
	}
	require.ErrorAs(t, err, &se)
}

// client returns an HTTP client with its own transport, closed at cleanup,
// so that no idle connection outlives the test.
func client(t *testing.T) *http.Client {
	t.Helper()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func TestClassifyRealErrors(t *testing.T) {
	t.Parallel()

	t.Run("ConnectionRefused", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())
		_, err = client(t).Get("http://" + addr)
		require.Equal(t, retry.ClassConnRefused, retry.ClassifyError(err).Class, "%v", err)
		require.True(t, retry.IsRetryable(err))
	})

	t.Run("Certificate", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewUnstartedServer(http.NotFoundHandler())
		srv.Config.ErrorLog = log.New(io.Discard, "", 0)
		srv.StartTLS()
		defer srv.Close()
		_, err := client(t).Get(srv.URL)
		require.Equal(t, retry.ClassTLS, retry.ClassifyError(err).Class, "%v", err)
		require.False(t, retry.IsRetryable(err))
	})

	t.Run("NotTLS", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.NotFoundHandler())
		defer srv.Close()
		conn, err := tls.Dial("tcp", srv.Listener.Addr().String(), &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // handshake must fail
		if conn != nil {
			_ = conn.Close()
		}
		require.Equal(t, retry.ClassTLS, retry.ClassifyError(err).Class, "%v", err)

		// net/http replaces this error with an unwrapped string, so it is unknown.
		_, err = client(t).Get("https://" + srv.Listener.Addr().String())
		require.Equal(t, retry.ClassUnknown, retry.ClassifyError(err).Class, "%v", err)
	})

	t.Run("ServerHangsUp", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				_ = conn.Close()
			}
		}))
		defer srv.Close()
		req, err := http.NewRequest(http.MethodPost, srv.URL, nil)
		require.NoError(t, err)
		_, err = client(t).Do(req)
		require.Equal(t, retry.ClassNetwork, retry.ClassifyError(err).Class, "%v", err)
	})

	t.Run("DialDeadline", func(t *testing.T) {
		t.Parallel()
		d := net.Dialer{Deadline: time.Now().Add(-time.Second)}
		_, err := d.Dial("tcp", "127.0.0.1:9")
		require.Equal(t, retry.ClassTimeout, retry.ClassifyError(err).Class, "%v", err)
	})

	t.Run("RequestContextExpired", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.NotFoundHandler())
		defer srv.Close()
		ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		require.NoError(t, err)
		_, err = client(t).Do(req)
		require.Equal(t, retry.ClassTimeout, retry.ClassifyError(err).Class, "%v", err)
	})

	t.Run("RequestCanceled", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.NotFoundHandler())
		defer srv.Close()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		require.NoError(t, err)
		_, err = client(t).Do(req)
		require.Equal(t, retry.ClassCanceled, retry.ClassifyError(err).Class, "%v", err)
	})
}

func TestClassifyResponse(t *testing.T) {
	t.Parallel()

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.URL.Query().Get("retry-after"); v != "" {
			w.Header().Set("Retry-After", v)
		}
		if r.URL.Query().Get("status") == "302" {
			w.Header().Set("Location", "/elsewhere")
		}
		var code int
		_, _ = fmt.Sscan(r.URL.Query().Get("status"), &code)
		w.WriteHeader(code)
	}))
	t.Cleanup(srv.Close)
	c := client(t)

	tests := []struct {
		name       string
		status     int
		retryAfter string
		want       retry.Class
		wantAfter  time.Duration
	}{
		{"OK", 200, "", retry.ClassNone, 0},
		{"NoContent", 204, "30", retry.ClassNone, 0},
		{"Redirect", 302, "", retry.ClassUnknown, 0},
		{"BadRequest", 400, "", retry.ClassClientError, 0},
		{"Unauthorized", 401, "", retry.ClassClientError, 0},
		{"PayloadTooLarge", 413, "", retry.ClassClientError, 0},
		{"TooManyRequests", 429, "", retry.ClassRateLimited, 0},
		{"TooManyRequestsSeconds", 429, "42", retry.ClassRateLimited, 42 * time.Second},
		{"TooManyRequestsDate", 429, fixedNow.Add(90 * time.Second).Format(http.TimeFormat), retry.ClassRateLimited, 90 * time.Second},
		{"TooManyRequestsGarbage", 429, "soon", retry.ClassRateLimited, 0},
		{"InternalServerError", 500, "", retry.ClassServerError, 0},
		{"BadGateway", 502, "", retry.ClassServerError, 0},
		{"Unavailable", 503, "120", retry.ClassServerError, 120 * time.Second},
		{"GatewayTimeout", 504, "", retry.ClassServerError, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := url.Values{"status": {fmt.Sprint(tt.status)}, "retry-after": {tt.retryAfter}}
			resp, err := c.Get(srv.URL + "?" + q.Encode())
			if resp != nil {
				defer resp.Body.Close()
			}
			o := retry.ClassifyResponse(resp, err, fixedNow)
			require.Equal(t, tt.want, o.Class)
			require.Equal(t, tt.status, o.StatusCode)
			require.Equal(t, tt.wantAfter, o.RetryAfter)
			if tt.want == retry.ClassNone {
				require.NoError(t, o.Err)
				return
			}
			var se *retry.StatusError
			require.ErrorAs(t, o.Err, &se)
			require.Equal(t, tt.status, se.StatusCode)
			require.Equal(t, o, retry.ClassifyError(o.Err), "the error carries the outcome")
		})
	}

	t.Run("TransportError", func(t *testing.T) {
		t.Parallel()
		o := retry.ClassifyResponse(nil, opErr(syscall.ECONNREFUSED), fixedNow)
		require.Equal(t, retry.ClassConnRefused, o.Class)
		o = retry.ClassifyResponse(&http.Response{StatusCode: 500}, opErr(syscall.ECONNRESET), fixedNow)
		require.Equal(t, retry.ClassNetwork, o.Class)
		require.Equal(t, 500, o.StatusCode)
	})

	t.Run("NilResponse", func(t *testing.T) {
		t.Parallel()
		o := retry.ClassifyResponse(nil, nil, fixedNow)
		require.Equal(t, retry.ClassUnknown, o.Class)
		require.Error(t, o.Err)
	})
}

func TestClassifyStatus(t *testing.T) {
	t.Parallel()

	tests := map[int]retry.Class{
		0: retry.ClassUnknown, 100: retry.ClassUnknown, 200: retry.ClassNone, 299: retry.ClassNone,
		301: retry.ClassUnknown, 399: retry.ClassUnknown, 400: retry.ClassClientError, 408: retry.ClassClientError,
		429: retry.ClassRateLimited, 499: retry.ClassClientError, 500: retry.ClassServerError, 599: retry.ClassServerError,
		600: retry.ClassUnknown, -1: retry.ClassUnknown,
	}
	for code, want := range tests {
		require.Equal(t, want, retry.ClassifyStatus(code), code)
	}
}

// fuzzError builds one of several real error shapes from fuzz input.
func fuzzError(kind uint8, code int, msg string) error {
	base := errors.New(msg)
	errno := syscall.Errno(uint(code) % 256)
	shapes := []func() error{
		func() error { return nil },
		func() error { return base },
		func() error { return opErr(errno) },
		func() error {
			return &net.DNSError{Err: msg, Name: msg, IsNotFound: code%2 == 0, IsTimeout: code%3 == 0}
		},
		func() error { return &retry.StatusError{StatusCode: code, RetryAfter: time.Duration(code)} },
		func() error { return retry.WithClass(base, retry.Class(code)) },
		func() error { return retry.RateLimited(base, time.Duration(code)*time.Second) },
		func() error { return retry.Permanent(fmt.Errorf("%s: %w", msg, errno)) },
		func() error { return &url.Error{Op: msg, URL: msg, Err: io.EOF} },
		func() error { return fmt.Errorf("%s: %w", msg, context.DeadlineExceeded) },
		func() error { return tls.AlertError(uint8(code)) },
		func() error { return &pluginError{class: retry.Class(code), wait: time.Duration(code)} },
		func() error { return errors.Join(base, errno, &net.DNSError{}) },
	}
	return shapes[int(kind)%len(shapes)]()
}

func FuzzClassify(f *testing.F) {
	f.Add(uint8(0), 200, "", "")
	f.Add(uint8(2), int(syscall.ECONNREFUSED), "dial", "")
	f.Add(uint8(4), 503, "unavailable", "120")
	f.Add(uint8(4), 429, "slow", "Thu, 04 Dec 2025 10:00:30 GMT")
	f.Add(uint8(5), -7, "odd class", "")
	f.Add(uint8(11), 1<<40, "plugin", "-1")
	f.Fuzz(func(t *testing.T, kind uint8, code int, msg, retryAfter string) {
		err := fuzzError(kind, code, msg)
		o := retry.ClassifyError(err)
		if (err == nil) != (o.Class == retry.ClassNone) {
			t.Fatalf("ClassifyError(%v) = %v", err, o.Class)
		}
		if o.RetryAfter < 0 {
			t.Fatalf("negative RetryAfter %v", o.RetryAfter)
		}
		_ = o.Class.String()
		_ = retry.IsRetryable(err)

		resp := &http.Response{StatusCode: code, Header: http.Header{"Retry-After": {retryAfter}}}
		r := retry.ClassifyResponse(resp, nil, fixedNow)
		if r.Class != retry.ClassifyStatus(code) || r.RetryAfter < 0 || (r.Class == retry.ClassNone) != (r.Err == nil) {
			t.Fatalf("ClassifyResponse(%d, %q) = %+v", code, retryAfter, r)
		}
		p := retry.DefaultPolicy()
		p.RetryOn = ^retry.ClassSet(0)
		if d, ok := retry.NextAttemptRand(p, 1, o, constRand(0.5)); d < 0 || d > p.MaxDelay || (ok && !p.RetriesOn(o.Class)) {
			t.Fatalf("NextAttempt(%+v) = %v, %v", o, d, ok)
		}
	})
}
