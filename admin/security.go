package admin

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
)

// contentSecurityPolicy allows scripts, styles, images and fetches from the
// admin's own origin only: no inline script or style, no plugin, no frame,
// forms posted to the admin alone.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// Header and form field carrying the CSRF token.
const (
	csrfHeader = "X-CSRF-Token"
	csrfField  = "_csrf"
)

type ctxKey int

const principalKey ctxKey = iota

// principalOf returns the request's principal, set by authorize.
func principalOf(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey).(*Principal)
	return p
}

// secureHeaders sets the headers every answer carries: the strict CSP, no
// sniffing, no framing, no caching (pages and API answers may hold
// organization data) and no referrer outside the admin.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if h.Get("Cache-Control") == "" {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// authorize asks the host who is calling; a request it refuses goes no
// further.
func (h *Handler) authorize(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := h.cfg.Authorize(r)
		if err != nil || p == nil {
			h.cfg.Logger.InfoContext(r.Context(), "admin request refused by the authorizer", "path", r.URL.Path)
			h.fail(w, r, errUnauthorized)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey, p)))
	})
}

// guardChanges refuses state-changing requests that come from another site
// (Sec-Fetch-Site, else Origin against Host: net/http's
// CrossOriginProtection) or lack the principal's CSRF token.
func (h *Handler) guardChanges(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if safeMethod(r.Method) {
			next.ServeHTTP(w, r)
			return
		}
		if err := h.cop.Check(r); err != nil {
			h.fail(w, r, errCrossOrigin)
			return
		}
		if !h.csrfValid(r) {
			h.fail(w, r, errCSRF)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// csrfToken is the principal's token: an HMAC of the organization and user,
// so it needs no server state and is worthless for another principal.
func (h *Handler) csrfToken(p *Principal) string {
	m := hmac.New(sha256.New, h.csrfKey)
	m.Write([]byte("admin-csrf\x00"))
	m.Write(p.OrganizationID[:])
	m.Write(p.UserID[:])
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfValid checks the token of the header, else of the form. A form is
// parsed only for form content types; JSON bodies are left unread.
func (h *Handler) csrfValid(r *http.Request) bool {
	p := principalOf(r.Context())
	if p == nil {
		return false
	}
	got := r.Header.Get(csrfHeader)
	if got == "" && isForm(r) {
		got = r.PostFormValue(csrfField)
	}
	want := h.csrfToken(p)
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
