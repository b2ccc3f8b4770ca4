package inbound

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/storage"
)

// ErrNoEvents is returned for an integration whose provider receives no
// events (it does not list [providers.CapabilityWebhook]).
var ErrNoEvents = errors.New("inbound: the integration's provider receives no events")

// tokenBytes is the entropy of an endpoint's token: 32 random bytes, 43
// URL-safe characters.
const tokenBytes = 32

// tokenLen is the length of an encoded token.
var tokenLen = base64.RawURLEncoding.EncodedLen(tokenBytes)

// Endpoint is an integration's inbound endpoint as the admin sees it (§4,
// "WEBHOOK (Bounce/Complaint Handling)"): the URL to give the provider and
// the event categories kept.
type Endpoint struct {
	IntegrationID  uuid.UUID
	OrganizationID uuid.UUID
	Provider       string
	// URL is the URL to give the provider: Config.BaseURL, the provider's
	// name and the endpoint's token,
	// "https://intime.com/api/webhooks/sendgrid/Xy3...". The token is
	// unguessable (32 random bytes) and names one integration of one
	// organization; anyone who has it can post, but only requests the
	// integration's provider signed are accepted.
	URL string
	// Categories are the checked event categories.
	Categories []Category
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// URL returns the URL of an endpoint: baseURL, the provider's name and the
// token. It is what the admin gives the provider, and for Twilio what its
// signatures cover.
func URL(baseURL, provider, token string) string {
	return strings.TrimRight(baseURL, "/") + "/" + url.PathEscape(provider) + "/" + token
}

// Endpoint returns an integration's endpoint, made on first use with a new
// token and every category checked. When the integration's provider
// changed, the endpoint gets a new token for the new provider (the old URL
// stops working). An integration whose provider receives no events is
// [ErrNoEvents]; another organization's is [storage.ErrNotFound].
func (r *Receiver) Endpoint(ctx context.Context, orgID, integrationID uuid.UUID) (*Endpoint, error) {
	in, err := r.store.IntegrationGet(ctx, orgID, integrationID)
	if err != nil {
		return nil, err
	}
	if err := r.checkReceives(ctx, in.Provider); err != nil {
		return nil, err
	}
	ep, err := r.store.InboundEndpointGet(ctx, orgID, integrationID)
	switch {
	case err == nil && ep.Provider == in.Provider:
		return r.endpoint(ep), nil
	case err == nil:
		return r.rotate(ctx, orgID, integrationID, &in.Provider)
	case !errors.Is(err, storage.ErrNotFound):
		return nil, err
	}
	token, hash := newToken()
	ep, err = r.store.InboundEndpointCreate(ctx, &storage.InboundEndpointCreateParams{OrganizationID: orgID,
		IntegrationID: integrationID, Provider: in.Provider, Token: token, TokenHash: hash, Categories: names(Categories())})
	if errors.Is(err, storage.ErrConflict) { // made meanwhile by another request or host
		ep, err = r.store.InboundEndpointGet(ctx, orgID, integrationID)
	}
	if err != nil {
		return nil, err
	}
	return r.endpoint(ep), nil
}

// EndpointRotate gives an integration's endpoint a new token: the old URL
// stops working at once, and the admin gives the provider the new one.
func (r *Receiver) EndpointRotate(ctx context.Context, orgID, integrationID uuid.UUID) (*Endpoint, error) {
	if _, err := r.Endpoint(ctx, orgID, integrationID); err != nil {
		return nil, err
	}
	return r.rotate(ctx, orgID, integrationID, nil)
}

// CategoriesSet saves the checked event categories of an integration's
// endpoint (§4's checkboxes). An unknown category is an error and changes
// nothing.
func (r *Receiver) CategoriesSet(ctx context.Context, orgID, integrationID uuid.UUID, checked []Category) (*Endpoint, error) {
	if err := checkCategories(checked); err != nil {
		return nil, err
	}
	if _, err := r.Endpoint(ctx, orgID, integrationID); err != nil {
		return nil, err
	}
	ep, err := r.store.InboundEndpointUpdate(ctx, &storage.InboundEndpointUpdateParams{OrganizationID: orgID,
		IntegrationID: integrationID, Categories: names(dedupe(checked))})
	if err != nil {
		return nil, err
	}
	return r.endpoint(ep), nil
}

func (r *Receiver) rotate(ctx context.Context, orgID, integrationID uuid.UUID, provider *string) (*Endpoint, error) {
	token, hash := newToken()
	ep, err := r.store.InboundEndpointUpdate(ctx, &storage.InboundEndpointUpdateParams{OrganizationID: orgID,
		IntegrationID: integrationID, Token: &token, TokenHash: &hash, Provider: provider})
	if err != nil {
		return nil, err
	}
	return r.endpoint(ep), nil
}

// checkReceives refuses a provider without the webhook capability.
func (r *Receiver) checkReceives(ctx context.Context, provider string) error {
	p, err := r.cfg.Providers.Provider(provider)
	if err != nil {
		return fmt.Errorf("inbound: provider %q: %w", provider, err)
	}
	info, err := p.Info(ctx)
	if err != nil {
		return fmt.Errorf("inbound: provider %q: %w", provider, err)
	}
	if !info.Has(providers.CapabilityWebhook) {
		return fmt.Errorf("%w: %s", ErrNoEvents, info.DisplayName)
	}
	return nil
}

func (r *Receiver) endpoint(ep *storage.InboundEndpoint) *Endpoint {
	out := &Endpoint{IntegrationID: ep.IntegrationID, OrganizationID: ep.OrganizationID, Provider: ep.Provider,
		URL: URL(r.cfg.BaseURL, ep.Provider, ep.Token), CreatedAt: ep.CreatedAt, UpdatedAt: ep.UpdatedAt,
		Categories: make([]Category, 0, len(ep.Categories))}
	for _, c := range Categories() { // the form's order
		for _, s := range ep.Categories {
			if s == string(c) {
				out.Categories = append(out.Categories, c)
			}
		}
	}
	return out
}

// newToken returns a new token and its hash.
func newToken() (token, hash string) {
	b := make([]byte, tokenBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, tokenHash(token)
}

// tokenHash is what the store keeps and looks up: the hex SHA-256 of the
// token.
func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// validToken reports whether s has a token's form, before any lookup.
func validToken(s string) bool {
	if len(s) != tokenLen {
		return false
	}
	_, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil
}

func names(cs []Category) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

func dedupe(cs []Category) []Category {
	out := make([]Category, 0, len(cs))
	for _, c := range cs {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}
