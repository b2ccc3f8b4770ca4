package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"fmt"
	"strings"
)

// Keyring seals with its primary (newest) key and opens with any of its keys.
// A Keyring is immutable once built and safe for concurrent use.
type Keyring struct {
	aeads   map[string]cipher.AEAD
	ids     []string // oldest first; the last is the primary
	primary string
}

// NewKeyring builds a keyring from keys ordered oldest first: the last key
// is the primary, used by [Keyring.Seal]. It fails when there are no keys,
// when two keys share an ID, or when a key has an invalid ID or no material.
func NewKeyring(keys ...Key) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, &KeyError{Problem: "ring is empty; want at least one key (generate one with: openssl rand -base64 32)"}
	}
	r := &Keyring{aeads: make(map[string]cipher.AEAD, len(keys))}
	for _, k := range keys {
		if err := r.add(k); err != nil {
			return nil, err
		}
	}
	r.primary = r.ids[len(r.ids)-1]
	return r, nil
}

// add validates k and installs its cipher.
func (r *Keyring) add(k Key) error {
	if err := validateID(k.ID); err != nil {
		return err
	}
	if _, dup := r.aeads[k.ID]; dup {
		return &KeyError{ID: k.ID, Problem: "appears twice in the keyring; give every key its own ID"}
	}
	if len(k.material) != KeySize {
		return &KeyError{ID: k.ID, Problem: "has no material; create keys with ParseKey or GenerateKey"}
	}
	aead, err := newAEAD(k.material)
	if err != nil {
		return fmt.Errorf("secret: key %q: %w", k.ID, err)
	}
	r.aeads[k.ID] = aead
	r.ids = append(r.ids, k.ID)
	return nil
}

// newAEAD returns AES-256-GCM with the standard 12-byte nonce.
func newAEAD(material []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(material)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// PrimaryID returns the ID of the key that [Keyring.Seal] uses.
func (r *Keyring) PrimaryID() string { return r.primary }

// KeyIDs returns the IDs in the ring, oldest first; the last is the primary.
func (r *Keyring) KeyIDs() []string {
	return append([]string(nil), r.ids...)
}

// String describes the ring by key IDs only.
func (r *Keyring) String() string {
	return fmt.Sprintf("secret.Keyring{primary:%s keys:%s}", r.primary, strings.Join(r.ids, ","))
}
