package main

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/admin"
)

// The demo's authorizer: a random session secret made at start and printed
// as a login link. Opening the link stores the secret in a cookie (HttpOnly,
// SameSite=Strict); the admin admits only requests that carry it. There is
// no open default: without the link, the dashboard answers 401.
const sessionCookie = "intime_demo_session"

// session is one run's secret and the principal it stands for.
type session struct {
	secret    string
	principal *admin.Principal
}

func newSession(org, user uuid.UUID) (*session, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	return &session{secret: base64.RawURLEncoding.EncodeToString(b),
		principal: &admin.Principal{OrganizationID: org, UserID: user, Name: "Demo Admin"}}, nil
}

var errNoSession = errors.New("demo: no session: open the login link the server printed")

// authorize is admin.Config.Authorize.
func (s *session) authorize(r *http.Request) (*admin.Principal, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(s.secret)) != 1 {
		return nil, errNoSession
	}
	return s.principal, nil
}

// login serves the login link: /login?secret=... sets the cookie and goes
// to the dashboard.
func (s *session) login(w http.ResponseWriter, r *http.Request) {
	got := r.URL.Query().Get("secret")
	if subtle.ConstantTimeCompare([]byte(got), []byte(s.secret)) != 1 {
		http.Error(w, "This login link is not the one the server printed at start.", http.StatusUnauthorized)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: s.secret, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, "/admin/", http.StatusSeeOther)
}

// home sends a signed-in browser to the dashboard and tells others where
// the link is.
func (s *session) home(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	if _, err := s.authorize(r); err == nil {
		http.Redirect(w, r, "/admin/", http.StatusSeeOther)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = w.Write([]byte("InTime demo: open the login link the server printed in its terminal.\n"))
}
