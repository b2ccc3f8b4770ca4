package apiaccess

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Response headers of the middleware.
const (
	HeaderLimit     = "X-RateLimit-Limit"
	HeaderRemaining = "X-RateLimit-Remaining"
	// HeaderReset is when the window of the limit shown ends, in Unix
	// seconds.
	HeaderReset = "X-RateLimit-Reset"
	// HeaderResource names the limit shown: token_minute, token_hour or
	// org_hour.
	HeaderResource = "X-RateLimit-Resource"
)

type principalKey struct{}

// PrincipalFrom returns the principal the middleware authenticated, or
// false outside the middleware.
func PrincipalFrom(ctx context.Context) (*Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(*Principal)
	return p, ok
}

// Middleware authenticates each request by its "Authorization: Bearer"
// API token, holds it to the token's and the organization's rate limits,
// and records its usage, then calls next with the [Principal] in the
// request's context. It answers itself:
//
//   - 401 with a JSON body saying why, for a missing, malformed, unknown,
//     revoked, rotated or expired token;
//   - 429 with Retry-After and "Rate limit exceeded. Retry in [X] seconds.";
//   - 503 when the store cannot be reached (it does not let requests
//     through unlimited).
//
// Every admitted or refused request carries X-RateLimit-Limit, -Remaining,
// -Reset and -Resource for its tightest limit. Usage is recorded by route
// pattern: r.Pattern as set by the [http.ServeMux] inside (or outside) the
// middleware.
func (s *Service) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serve(w, r, next) })
}

func (s *Service) serve(w http.ResponseWriter, r *http.Request, next http.Handler) {
	now := s.now()
	p, fail := s.authenticate(r, now)
	if fail != nil {
		writeAuthFailure(w, fail)
		return
	}
	d := s.limiter.admit(r.Context(), p, now)
	if d.err != nil {
		if r.Context().Err() == nil {
			s.cfg.Logger.ErrorContext(r.Context(), "apiaccess: rate limit", "error", d.err)
		}
		writeJSON(w, http.StatusServiceUnavailable, errorBody{Error: "unavailable", Message: msgUnavailable})
		return
	}
	setRateHeaders(w.Header(), d.view)
	if !d.ok {
		route := routeOf(r, next)
		s.usage.throttle(p, route, d.refused, now)
		s.usage.request(p, route, http.StatusTooManyRequests, now)
		writeRateLimited(w, d, now)
		return
	}
	sw := statusWriters.Get().(*statusWriter)
	sw.ResponseWriter, sw.status = w, 0
	r2 := r.WithContext(context.WithValue(r.Context(), principalKey{}, p))
	completed := false
	defer func() {
		status := sw.status
		sw.ResponseWriter = nil
		statusWriters.Put(sw)
		switch {
		case !completed: // the handler panicked; net/http answers 500
			status = http.StatusInternalServerError
		case status == 0:
			status = http.StatusOK
		}
		s.usage.request(p, r2.Pattern, status, now)
	}()
	next.ServeHTTP(sw, r2)
	completed = true
}

// routeOf returns the route pattern of a request the middleware refuses:
// r.Pattern when a mux outside already routed it, or what the mux inside
// would route it to.
func routeOf(r *http.Request, next http.Handler) string {
	if r.Pattern != "" {
		return r.Pattern
	}
	if mux, ok := next.(*http.ServeMux); ok {
		_, pattern := mux.Handler(r)
		return pattern
	}
	return ""
}

// authFailure is why a request was not authenticated.
type authFailure struct {
	status int
	code   string
	detail string
}

// authenticate returns the principal of the request's token.
func (s *Service) authenticate(r *http.Request, now time.Time) (*Principal, *authFailure) {
	raw, ok := bearerToken(r.Header.Get("Authorization"))
	if !ok {
		return nil, &authFailure{http.StatusUnauthorized, "token_missing", detailMissing}
	}
	var fe *TokenFormatError
	if err := ParseToken(raw); errors.As(err, &fe) {
		return nil, &authFailure{http.StatusUnauthorized, "token_malformed", detailMalformed + fe.Reason + ")."}
	}
	e, err := s.tokens.lookup(r.Context(), HashToken(raw), now)
	if err != nil {
		s.cfg.Logger.ErrorContext(r.Context(), "apiaccess: token lookup", "error", err)
		return nil, &authFailure{http.StatusServiceUnavailable, "unavailable", msgUnavailable}
	}
	info := e.info
	switch {
	case info == nil:
		return nil, &authFailure{http.StatusUnauthorized, "token_invalid", detailUnknown}
	case info.RevokedAt != nil && info.ReplacedBy != nil:
		return nil, &authFailure{http.StatusUnauthorized, "token_rotated", detailRotated}
	case info.RevokedAt != nil:
		return nil, &authFailure{http.StatusUnauthorized, "token_revoked", detailRevoked}
	case info.ExpiresAt != nil && !now.Before(*info.ExpiresAt) && info.ReplacedBy != nil:
		return nil, &authFailure{http.StatusUnauthorized, "token_rotated", detailGraceOver + info.ExpiresAt.Format(time.RFC3339) + "."}
	case info.ExpiresAt != nil && !now.Before(*info.ExpiresAt):
		return nil, &authFailure{http.StatusUnauthorized, "token_expired", detailExpired + info.ExpiresAt.Format(time.RFC3339) + "."}
	}
	return e.principal, nil
}

// RequireScopes returns middleware that lets a request through only when
// its token holds every one of scopes, and answers 403 otherwise. Mount it
// inside [Service.Middleware], per route.
func RequireScopes(scopes ...string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, ok := PrincipalFrom(r.Context())
			if !ok {
				writeAuthFailure(w, &authFailure{http.StatusUnauthorized, "token_missing", detailMissing})
				return
			}
			for _, sc := range scopes {
				if !p.HasScope(sc) {
					w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="`+strings.Join(scopes, " ")+`"`)
					writeJSON(w, http.StatusForbidden, errorBody{Error: "insufficient_scope", Message: msgForbidden,
						Detail: "This request needs the scopes: " + strings.Join(scopes, ", ") + "."})
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

func setRateHeaders(h http.Header, v view) {
	h.Set(HeaderLimit, strconv.Itoa(v.limit))
	h.Set(HeaderRemaining, strconv.Itoa(v.remaining))
	h.Set(HeaderReset, strconv.FormatInt(v.reset.Unix(), 10))
	h.Set(HeaderResource, v.kind.String())
}

// RetryAfter returns the whole seconds from now until at, rounded up, at
// least 1: what Retry-After and the §16 message say.
func RetryAfter(at, now time.Time) int {
	d := at.Sub(now)
	secs := int(d / time.Second)
	if d%time.Second > 0 {
		secs++
	}
	return max(secs, 1)
}

// RateLimitMessage is §16's message: "Rate limit exceeded. Retry in 42
// seconds."
func RateLimitMessage(seconds int) string {
	return "Rate limit exceeded. Retry in " + strconv.Itoa(seconds) + " seconds."
}

func writeRateLimited(w http.ResponseWriter, d decision, now time.Time) {
	secs := RetryAfter(d.retryAt, now)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeJSON(w, http.StatusTooManyRequests, errorBody{Error: "rate_limited", Message: RateLimitMessage(secs),
		Limit: d.refused.String(), RetryAfter: secs})
}

func writeAuthFailure(w http.ResponseWriter, f *authFailure) {
	if f.status == http.StatusUnauthorized {
		// RFC 6750 §3: no error code when no credentials were sent.
		v := `Bearer realm="api"`
		if f.code != "token_missing" {
			v += `, error="invalid_token"`
		}
		w.Header().Set("WWW-Authenticate", v)
		writeJSON(w, f.status, errorBody{Error: f.code, Message: msgAuthFailed, Detail: f.detail})
		return
	}
	writeJSON(w, f.status, errorBody{Error: f.code, Message: f.detail})
}

// statusWriter remembers the status the handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

var statusWriters = sync.Pool{New: func() any { return new(statusWriter) }}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush sends buffered data to the client, when the writer underneath can.
func (w *statusWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets [http.ResponseController] reach the underlying writer
// (Flush, Hijack, deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
