package s3

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

var errInvalid = errors.New("s3: invalid setting")

// errTooLarge refuses an object over [MaxObjectSize].
func errTooLarge(n int64) error {
	return providers.InvalidInput(fmt.Errorf("s3: the file has %d bytes, over the %d-byte limit of one call; "+
		"use a presigned URL", n, MaxObjectSize))
}

// S3's error codes, by what they mean to the caller.
var (
	authCodes = map[string]bool{"InvalidAccessKeyId": true, "SignatureDoesNotMatch": true, "AccessDenied": true,
		"ExpiredToken": true, "InvalidToken": true, "TokenRefreshRequired": true, "AllAccessDisabled": true,
		"AccountProblem": true, "InvalidSecurity": true, "Forbidden": true}
	throttleCodes = map[string]bool{"SlowDown": true, "TooManyRequests": true, "RequestLimitExceeded": true,
		"Throttling": true, "ThrottlingException": true}
)

// classify turns an S3 call's error into a *providers.Error: throttling is
// [providers.KindRateLimited] with the Retry-After wait if the service sent
// one, rejected credentials are [providers.KindAuth], 5xx and network
// failures are retryable, other 4xx (no such bucket or key, wrong region)
// are invalid input. The context's end wins.
func classify(ctx context.Context, now time.Time, op string, err error) error {
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil {
		return providers.AsError(fmt.Errorf("s3: %s: %w", op, cerr))
	}
	var pe *providers.Error
	if errors.As(err, &pe) {
		return pe
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.Response == nil || re.Response.Response == nil || re.HTTPStatusCode() == 0 {
		return providers.AsError(fmt.Errorf("s3: %s: %w", op, err)) // network, DNS, TLS, timeout
	}
	status, code, msg := re.HTTPStatusCode(), "", ""
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code, msg = ae.ErrorCode(), ae.ErrorMessage()
	}
	werr := fmt.Errorf("s3: %s: %d %s: %s", op, status, code, msg)
	switch {
	case status == http.StatusTooManyRequests || throttleCodes[code]:
		return &providers.Error{Kind: providers.KindRateLimited, Class: retry.ClassRateLimited, Message: werr.Error(),
			RetryAfter: retryAfter(re.Response.Header.Get("Retry-After"), now), Err: werr}
	case code == "RequestTimeTooSkewed":
		return providers.NewError(providers.KindPermanent,
			fmt.Errorf("%w (this host's clock is more than 15 minutes off)", werr))
	case authCodes[code] || status == http.StatusUnauthorized || status == http.StatusForbidden:
		return providers.AuthFailed(werr)
	case status >= 500:
		return providers.Unavailable(werr, retry.ClassServerError)
	}
	return providers.InvalidInput(werr)
}

// retryAfter reads a Retry-After of seconds or an HTTP date; 0 if absent.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// fallsBack reports whether a failed write may go to the local fallback:
// S3 is unreachable or failing, not refusing this request.
func fallsBack(err error) bool {
	return providers.KindOf(err) == providers.KindRetryable
}

// contentDisposition returns an attachment disposition naming fileName
// (RFC 6266, with RFC 2231 encoding for non-ASCII names).
func contentDisposition(fileName string) string {
	if v := mime.FormatMediaType("attachment", map[string]string{"filename": fileName}); v != "" {
		return v
	}
	return "attachment"
}
