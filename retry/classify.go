package retry

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"time"

	"github.com/cenkalti/backoff/v4"
)

// Outcome is the classified result of one attempt.
type Outcome struct {
	// Class is what kind of result it was; ClassNone for success.
	Class Class `json:"class"`
	// StatusCode is the HTTP status, 0 without a response.
	StatusCode int `json:"statusCode,omitempty"`
	// RetryAfter is the server's requested wait, 0 if none.
	RetryAfter time.Duration `json:"retryAfter,omitempty"`
	// Err is the attempt's error, nil on success.
	Err error `json:"-"`
}

// ClassifyStatus returns the class of an HTTP status code: 2xx is
// [ClassNone], 429 [ClassRateLimited], other 4xx [ClassClientError], 5xx
// [ClassServerError], anything else (1xx, 3xx, invalid) [ClassUnknown].
func ClassifyStatus(code int) Class {
	switch {
	case code >= 200 && code <= 299:
		return ClassNone
	case code == http.StatusTooManyRequests:
		return ClassRateLimited
	case code >= 400 && code <= 499:
		return ClassClientError
	case code >= 500 && code <= 599:
		return ClassServerError
	}
	return ClassUnknown
}

// ClassifyResponse classifies the result of an HTTP round trip. A transport
// error is classified by [ClassifyError]; otherwise the status decides (see
// [ClassifyStatus]) and the Retry-After header is read relative to now. For
// an error status Outcome.Err is a [*StatusError], which an operation can
// return to [Do] as is. It does not read or close the body.
func ClassifyResponse(resp *http.Response, err error, now time.Time) Outcome {
	if err != nil {
		o := ClassifyError(err)
		if resp != nil {
			o.StatusCode = resp.StatusCode
		}
		return o
	}
	if resp == nil {
		return Outcome{Class: ClassUnknown, Err: errNilResponse}
	}
	o := Outcome{Class: ClassifyStatus(resp.StatusCode), StatusCode: resp.StatusCode}
	if o.Class == ClassNone {
		return o
	}
	if d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
		o.RetryAfter = d
	}
	o.Err = &StatusError{StatusCode: resp.StatusCode, RetryAfter: o.RetryAfter}
	return o
}

// ClassifyError classifies an attempt's error by behaviour, never by its
// text. In order: nil is [ClassNone]; an error carrying a class
// ([ClassedError], such as [Permanent] or [WithClass]) keeps it, a
// backoff.PermanentError is [ClassPermanent]; then context.Canceled,
// TLS/certificate errors, DNS errors (*net.DNSError), ECONNREFUSED, timeouts
// (context.DeadlineExceeded, ETIMEDOUT, any error with Timeout() true),
// other network errors, and finally [ClassUnknown].
func ClassifyError(err error) Outcome {
	if err == nil {
		return Outcome{}
	}
	o := Outcome{Class: classOf(err), Err: err}
	if o.Class == ClassNone {
		o.Class = ClassUnknown
	}
	var d DelayedError
	if errors.As(err, &d) {
		o.RetryAfter = max(d.RetryDelay(), 0)
	}
	var s *StatusError
	if errors.As(err, &s) {
		o.StatusCode = s.StatusCode
	}
	return o
}

func classOf(err error) Class {
	var ce ClassedError
	if errors.As(err, &ce) {
		return ce.RetryClass()
	}
	var pe *backoff.PermanentError
	switch {
	case errors.As(err, &pe):
		return ClassPermanent
	case errors.Is(err, context.Canceled):
		return ClassCanceled
	case isTLS(err):
		return ClassTLS
	case isDNS(err):
		return ClassDNS
	case errors.Is(err, syscall.ECONNREFUSED):
		return ClassConnRefused
	case isTimeout(err):
		return ClassTimeout
	case isNetwork(err):
		return ClassNetwork
	}
	return ClassUnknown
}

func isTLS(err error) bool {
	var (
		verify    *tls.CertificateVerificationError
		record    tls.RecordHeaderError
		alert     tls.AlertError
		authority x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		roots     x509.SystemRootsError
	)
	return errors.As(err, &verify) || errors.As(err, &record) || errors.As(err, &alert) ||
		errors.As(err, &authority) || errors.As(err, &hostname) || errors.As(err, &invalid) ||
		errors.As(err, &roots) || isPeerAlert(err)
}

// isPeerAlert reports a TLS alert sent by the peer (a server refusing our
// client certificate, say). crypto/tls returns those as a *net.OpError whose
// Op is "remote error" around an unexported alert type; tls.AlertError is
// used only by QUIC.
func isPeerAlert(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "remote error"
}

func isDNS(err error) bool {
	var dns *net.DNSError
	return errors.As(err, &dns)
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, syscall.ETIMEDOUT) {
		return true
	}
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// networkErrnos are socket errors worth another attempt.
var networkErrnos = []error{
	syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE,
	syscall.ENETUNREACH, syscall.EHOSTUNREACH, syscall.ENETDOWN,
}

func isNetwork(err error) bool {
	for _, target := range networkErrnos {
		if errors.Is(err, target) {
			return true
		}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return true
	}
	var ue *url.Error
	return errors.As(err, &ue) && errors.Is(err, io.EOF)
}
