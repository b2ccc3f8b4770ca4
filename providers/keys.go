package providers

import (
	"context"
	"encoding/json"
	"errors"
)

// CapabilityKeyMint is listed in [Info.Capabilities] by providers that can
// mint and revoke their own API keys (SendGrid's API keys API), so that a
// credential rotation (UC-ADMIN-007 ADMIN-INT-014, §10 "rotate every 90
// days") creates the new key at the provider and really invalidates the
// old one. Such a provider serves [OpKeyMint] and [OpKeyRevoke] through Do,
// so the capability crosses the plugin boundary like any operation.
const CapabilityKeyMint = "credentials.mint"

// The key operations.
const (
	// OpKeyMint creates a new key with the permissions of the key in the
	// call's settings: [KeyMintRequest] in, [MintedKey] out.
	OpKeyMint = "credentials.mint"
	// OpKeyRevoke deletes a key at the provider, authenticated with the key
	// in the call's settings: [KeyRevokeRequest] in, nothing out.
	OpKeyRevoke = "credentials.revoke"
)

// KeyMintRequest is the payload of [OpKeyMint].
type KeyMintRequest struct {
	// Field is the settings field the key is for ("apiKey").
	Field string `json:"field"`
	// Name is the key's name at the provider ("InTime 2031-05-06").
	Name string `json:"name"`
}

// MintedKey is a new key: its value, shown once, and the provider's ID
// of it.
type MintedKey struct {
	Field string `json:"field"`
	Value string `json:"value"`
	ID    string `json:"id,omitempty"`
}

// KeyRevokeRequest is the payload of [OpKeyRevoke]: the key to delete.
type KeyRevokeRequest struct {
	Field string `json:"field"`
	Value string `json:"value"`
}

// KeyMinter is what a provider with [CapabilityKeyMint] implements in
// process; [HandleKeyOps] routes its two operations to it from Do.
type KeyMinter interface {
	KeyMint(ctx context.Context, s Settings, r *KeyMintRequest) (*MintedKey, error)
	KeyRevoke(ctx context.Context, s Settings, r *KeyRevokeRequest) error
}

// HandleKeyOps runs op on km when it is a key operation; handled is false
// otherwise.
func HandleKeyOps(ctx context.Context, km KeyMinter, s Settings, op *Operation) (res *Result, handled bool, err error) {
	switch op.Name {
	case OpKeyMint:
		var r KeyMintRequest
		if err := json.Unmarshal(op.Payload, &r); err != nil {
			return nil, true, InvalidInput(err)
		}
		k, err := km.KeyMint(ctx, s, &r)
		if err != nil {
			return nil, true, err
		}
		b, err := json.Marshal(k)
		return &Result{Payload: b}, true, err
	case OpKeyRevoke:
		var r KeyRevokeRequest
		if err := json.Unmarshal(op.Payload, &r); err != nil {
			return nil, true, InvalidInput(err)
		}
		return &Result{}, true, km.KeyRevoke(ctx, s, &r)
	}
	return nil, false, nil
}

// MintKey asks p for a new key through [OpKeyMint].
func MintKey(ctx context.Context, p Provider, s Settings, r *KeyMintRequest) (*MintedKey, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, InvalidInput(err)
	}
	res, err := p.Do(ctx, s, &Operation{Name: OpKeyMint, Payload: b})
	if err != nil {
		return nil, err
	}
	var k MintedKey
	if res == nil || json.Unmarshal(res.Payload, &k) != nil || k.Value == "" {
		return nil, NewError(KindPermanent, errNoKey)
	}
	return &k, nil
}

// RevokeKey asks p to delete a key through [OpKeyRevoke].
func RevokeKey(ctx context.Context, p Provider, s Settings, r *KeyRevokeRequest) error {
	b, err := json.Marshal(r)
	if err != nil {
		return InvalidInput(err)
	}
	_, err = p.Do(ctx, s, &Operation{Name: OpKeyRevoke, Payload: b})
	return err
}

var errNoKey = errors.New("providers: the provider minted no key")
