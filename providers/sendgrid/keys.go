package sendgrid

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/intimeos/integrations/providers"
)

var _ providers.KeyMinter = (*Provider)(nil)

// KeyMint implements [providers.KeyMinter] with SendGrid's API keys API:
// it reads the current key's scopes (GET /v3/scopes) and creates a key
// with the same scopes (POST /v3/api_keys), so the new key can do what the
// old one did, rotating included.
func (p *Provider) KeyMint(ctx context.Context, s providers.Settings, r *providers.KeyMintRequest) (*providers.MintedKey, error) {
	if r.Field != "" && r.Field != FieldAPIKey {
		return nil, providers.InvalidInput(errors.New("sendgrid: only the apiKey field can be minted"))
	}
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	_, body, err := p.call(ctx, st, http.MethodGet, "/v3/scopes", nil)
	if err != nil {
		return nil, err
	}
	var scopes struct {
		Scopes []string `json:"scopes"`
	}
	if err := decodeJSON(body, &scopes); err != nil {
		return nil, err
	}
	name := r.Name
	if name == "" {
		name = "InTime " + p.cfg.Now().UTC().Format("2006-01-02 15:04")
	}
	_, body, err = p.call(ctx, st, http.MethodPost, "/v3/api_keys", map[string]any{"name": name, "scopes": scopes.Scopes})
	if err != nil {
		return nil, err
	}
	var created struct {
		APIKey   string `json:"api_key"`
		APIKeyID string `json:"api_key_id"`
	}
	if err := decodeJSON(body, &created); err != nil {
		return nil, err
	}
	if created.APIKey == "" {
		return nil, providers.NewError(providers.KindPermanent, errors.New("sendgrid: POST /v3/api_keys returned no api_key"))
	}
	return &providers.MintedKey{Field: FieldAPIKey, Value: created.APIKey, ID: created.APIKeyID}, nil
}

// KeyRevoke implements [providers.KeyMinter]: DELETE
// /v3/api_keys/{api_key_id}, the ID read from the key (SendGrid's keys
// are "SG.<api_key_id>.<secret>").
func (p *Provider) KeyRevoke(ctx context.Context, s providers.Settings, r *providers.KeyRevokeRequest) error {
	id, ok := KeyID(r.Value)
	if !ok {
		return providers.InvalidInput(errors.New(`sendgrid: the key is not of SendGrid's form "SG.<id>.<secret>"; delete it in the SendGrid app`))
	}
	st, err := parseSettings(s)
	if err != nil {
		return err
	}
	_, _, err = p.call(ctx, st, http.MethodDelete, "/v3/api_keys/"+url.PathEscape(id), nil)
	return err
}

// KeyID returns the api_key_id a SendGrid key holds ("SG.<id>.<secret>").
func KeyID(key string) (string, bool) {
	parts := strings.Split(key, ".")
	if len(parts) != 3 || parts[0] != "SG" || parts[1] == "" || parts[2] == "" {
		return "", false
	}
	return parts[1], true
}

// decodeJSON reads a SendGrid response body.
func decodeJSON(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return providers.NewError(providers.KindPermanent, err)
	}
	return nil
}
