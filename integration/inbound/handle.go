package inbound

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/storage"
)

// ServeHTTP implements http.Handler: one provider request, answered as
// the package doc describes (see "Answers").
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	ctx, cancel := context.WithTimeout(req.Context(), r.cfg.Timeout)
	defer cancel()
	out := r.handle(ctx, req)
	r.stats.add(out)
	if out.status >= 400 && out.status != http.StatusNotFound {
		r.cfg.Logger.Warn("inbound: request refused", "status", out.status, "reason", out.reason,
			"provider", out.provider, "integration", out.integration)
	}
	out.write(w)
}

// handle runs the steps of one request, each of which may end it.
func (r *Receiver) handle(ctx context.Context, req *http.Request) *outcome {
	if req.Method != http.MethodPost {
		return refuse(http.StatusMethodNotAllowed, "method not allowed")
	}
	provider, token := route(req)
	if !validToken(token) {
		return refuse(http.StatusNotFound, "unknown endpoint")
	}
	ep, in, out := r.lookup(ctx, provider, token)
	if out != nil {
		return out
	}
	body, out := r.readBody(req)
	if out != nil {
		return out.about(in)
	}
	evs, out := r.verify(ctx, in, token, req, body)
	if out != nil {
		return out.about(in)
	}
	// The request is authentic from here on.
	if in.Status == storage.IntegrationDisabled {
		return accept(len(evs), 0, 0, len(evs)).about(in).because("integration disabled")
	}
	if old := r.tooOld(evs); old != "" {
		return refuse(http.StatusUnauthorized, "event "+old+" is older than the allowed age (a replay)").about(in)
	}
	return r.keep(ctx, ep, in, evs).about(in)
}

// route reads the provider and token of the request's path: the host's
// pattern values {provider} and {token} when it mounted the Receiver with
// them, else the path's last two segments.
func route(req *http.Request) (provider, token string) {
	if provider, token = req.PathValue("provider"), req.PathValue("token"); token != "" {
		return provider, token
	}
	parts := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
	if len(parts) < 2 {
		return "", ""
	}
	return parts[len(parts)-2], parts[len(parts)-1]
}

// lookup finds the endpoint of token and its integration. The path's
// provider must be the endpoint's and the integration's.
func (r *Receiver) lookup(ctx context.Context, provider, token string) (*storage.InboundEndpoint, *storage.Integration, *outcome) {
	ep, err := r.store.InboundEndpointGetByTokenHash(ctx, tokenHash(token))
	if err != nil {
		return nil, nil, storeOutcome(err, "unknown endpoint")
	}
	in, err := r.store.IntegrationGet(ctx, ep.OrganizationID, ep.IntegrationID)
	if err != nil {
		return nil, nil, storeOutcome(err, "unknown endpoint")
	}
	if ep.Provider != provider || in.Provider != provider {
		return nil, nil, refuse(http.StatusNotFound, "unknown endpoint")
	}
	return ep, in, nil
}

// readBody reads at most Config.MaxBody bytes.
func (r *Receiver) readBody(req *http.Request) ([]byte, *outcome) {
	tooLarge := refuse(http.StatusRequestEntityTooLarge, fmt.Sprintf("Request payload too large (max %s)", size(r.cfg.MaxBody)))
	if req.ContentLength > r.cfg.MaxBody {
		return nil, tooLarge
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, r.cfg.MaxBody+1))
	switch {
	case err != nil:
		return nil, refuse(http.StatusBadRequest, "could not read the request body")
	case int64(len(body)) > r.cfg.MaxBody:
		return nil, tooLarge
	}
	return body, nil
}

// verify hands the request to the integration's provider, which checks
// its signature and returns its events normalised.
func (r *Receiver) verify(ctx context.Context, in *storage.Integration, token string, req *http.Request, body []byte) ([]providers.Event, *outcome) {
	p, err := r.cfg.Providers.Provider(in.Provider)
	if err != nil {
		return nil, unavailable("provider not installed")
	}
	s, err := integration.StoredSettings(in)
	if err != nil {
		return nil, unavailable("integration settings unreadable")
	}
	if key, ok := r.cfg.URLSettings[in.Provider]; ok {
		s[key] = r.publicURL(in.Provider, token, req)
	}
	evs, err := p.HandleWebhook(ctx, s, &providers.WebhookRequest{Header: req.Header.Clone(), Body: body})
	if err != nil {
		return nil, providerOutcome(err)
	}
	return evs, nil
}

// publicURL is the URL the provider called, as it sees it: Config.BaseURL,
// never the request's Host header, which a proxy may have rewritten.
func (r *Receiver) publicURL(provider, token string, req *http.Request) string {
	u := URL(r.cfg.BaseURL, provider, token)
	if req.URL.RawQuery != "" {
		u += "?" + req.URL.RawQuery
	}
	return u
}

// tooOld returns the ID of an event older than Config.MaxEventAge, or "".
func (r *Receiver) tooOld(evs []providers.Event) string {
	limit := r.now().Add(-r.cfg.MaxEventAge)
	for _, e := range evs {
		if !e.Time.IsZero() && e.Time.Before(limit) {
			return truncate(e.ID, 80)
		}
	}
	return ""
}

// eventID is the de-duplication key of an event: the provider's ID, or a
// hash of the event when the provider gives none or one too long to index.
func eventID(e *providers.Event) string {
	if e.ID != "" && len(e.ID) <= storage.KeyMaxLen-8 && !strings.HasPrefix(e.ID, "sha256:") {
		return e.ID
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n", e.ID, e.Type, e.Time.UTC().Format(time.RFC3339Nano))
	h.Write(e.Data)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// providerOutcome answers a provider's refusal: 401 for a signature that
// is missing, wrong or stale; 400 for a request or a configuration the
// provider cannot use (no verification key, a body it cannot read): final
// answers, which SNS does not retry and the others retry on their own
// schedule until the admin fixes the configuration; 503 for what may pass
// (a plugin restarting, a certificate fetch that failed).
func providerOutcome(err error) *outcome {
	switch providers.KindOf(err) {
	case providers.KindAuth:
		return refuse(http.StatusUnauthorized, "signature missing or invalid").because(err.Error())
	case providers.KindInvalidInput, providers.KindUnsupported, providers.KindPermanent:
		return refuse(http.StatusBadRequest, "request not accepted").because(err.Error())
	}
	return unavailable(err.Error())
}

// storeOutcome answers a store error: not found is 404, the rest 503.
func storeOutcome(err error, notFound string) *outcome {
	if errors.Is(err, storage.ErrNotFound) || errors.Is(err, storage.ErrInvalid) {
		return refuse(http.StatusNotFound, notFound)
	}
	return unavailable(err.Error())
}

func size(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", (n+1023)>>10)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
