package oauth

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// HandlerOpts configure [Connector.Handler].
type HandlerOpts struct {
	// Authenticate identifies who starts a connection: the organization
	// and, if known, the user. It is the host's session check. Required.
	Authenticate func(r *http.Request) (orgID uuid.UUID, userID *uuid.UUID, err error)
	// SuccessURL is where a completed callback redirects, with
	// ?integration=<id> added, and warning=no_refresh_token when the
	// provider issued no refresh token ([Connection.Warning]). Empty
	// answers 200 with a short text, which includes the warning.
	SuccessURL string
}

// Handler serves the connect flow under the host's base URL:
//
//	GET /oauth/start/{integration}    redirects to the provider's consent page
//	GET /oauth/callback/{provider}    the redirect URI: completes the flow
//
// Errors are short plain-text pages with the status that fits: 400 for a
// bad state, a refusal or invalid settings, 401 when Authenticate fails, 404
// for an unknown integration, 502 when the provider's token endpoint fails.
func (c *Connector) Handler(opts *HandlerOpts) http.Handler {
	h := &handler{c: c, opts: *opts}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth/start/{integration}", h.start)
	mux.HandleFunc("GET /oauth/callback/{provider}", h.callback)
	return mux
}

type handler struct {
	c    *Connector
	opts HandlerOpts
}

func (h *handler) start(w http.ResponseWriter, r *http.Request) {
	id, err := uuid.Parse(r.PathValue("integration"))
	if err != nil {
		http.Error(w, "unknown integration", http.StatusNotFound)
		return
	}
	if h.opts.Authenticate == nil {
		http.Error(w, "not signed in", http.StatusUnauthorized)
		return
	}
	org, user, err := h.opts.Authenticate(r)
	if err != nil {
		http.Error(w, "not signed in", http.StatusUnauthorized)
		return
	}
	a, err := h.c.Start(r.Context(), &StartParams{OrganizationID: org, IntegrationID: id, UserID: user})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, a.URL, http.StatusFound)
}

func (h *handler) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	conn, err := h.c.Callback(r.Context(), &CallbackParams{
		Provider: r.PathValue("provider"), State: q.Get("state"), Code: q.Get("code"),
		Error: q.Get("error"), ErrorDescription: q.Get("error_description"),
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if h.opts.SuccessURL == "" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if conn.Warning != "" {
			_, _ = w.Write([]byte("Connected, with a warning. " + conn.Warning + ".\n"))
			return
		}
		_, _ = w.Write([]byte("Connected. You can close this window.\n"))
		return
	}
	u, err := url.Parse(h.opts.SuccessURL)
	if err != nil {
		http.Error(w, "connected", http.StatusOK)
		return
	}
	v := u.Query()
	v.Set("integration", conn.IntegrationID.String())
	if conn.Warning != "" {
		v.Set("warning", string(StateNoRefreshToken))
	}
	u.RawQuery = v.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// fail maps an error to a status and a message safe to show.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var (
		ve *ValidationError
		de *DeniedError
		te *TokenError
	)
	status, msg := http.StatusInternalServerError, "Something went wrong. Please try again."
	switch {
	case errors.Is(err, ErrStateInvalid), errors.Is(err, ErrStateExpired):
		status, msg = http.StatusBadRequest, "This authorization link is invalid or has expired. Please start again."
	case errors.As(err, &de):
		status, msg = http.StatusBadRequest, "Access was not granted. Nothing was connected."
	case errors.As(err, &ve):
		status, msg = http.StatusBadRequest, ve.Error()
	case errors.Is(err, storage.ErrNotFound):
		status, msg = http.StatusNotFound, "unknown integration"
	case errors.As(err, &te):
		status, msg = http.StatusBadGateway, "Could not connect your "+te.Provider+" account. Please try again."
	}
	h.c.cfg.Logger.WarnContext(r.Context(), "oauth flow failed", "path", r.URL.Path, "error", err)
	http.Error(w, msg, status)
}
