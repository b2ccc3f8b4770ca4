package secret

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
)

const (
	// version is the first field of every sealed value.
	version = "v1"
	// nonceSize and tagSize are those of standard AES-GCM.
	nonceSize = 12
	tagSize   = 16
)

// payloadEncoding is strict so that no two texts decode to the same bytes.
var payloadEncoding = base64.RawURLEncoding.Strict()

// sealed is a parsed, not yet authenticated, sealed value.
type sealed struct {
	keyID   string
	payload []byte // nonce || ciphertext || tag
}

// Seal encrypts plaintext with the primary key and returns
// "v1.<keyID>.<base64url(nonce||ciphertext||tag)>", plain ASCII that needs no
// escaping in SQL text or JSON.
func (r *Keyring) Seal(plaintext []byte) (string, error) {
	aead := r.aeads[r.primary]
	buf := make([]byte, nonceSize, nonceSize+len(plaintext)+tagSize)
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("secret: read nonce: %w", err)
	}
	buf = aead.Seal(buf, buf, plaintext, additionalData(r.primary))
	return encodeSealed(r.primary, buf), nil
}

// encodeSealed formats "v1.<id>.<base64url(payload)>" with one buffer.
func encodeSealed(id string, payload []byte) string {
	h := header(id)
	out := make([]byte, len(h)+payloadEncoding.EncodedLen(len(payload)))
	copy(out, h)
	payloadEncoding.Encode(out[len(h):], payload)
	return string(out)
}

// Open authenticates and decrypts a value made by [Keyring.Seal] with any key
// in the ring. Errors match [ErrMalformed], [ErrUnknownKey] or [ErrDecrypt].
func (r *Keyring) Open(s string) ([]byte, error) {
	v, err := parseSealed(s)
	if err != nil {
		return nil, err
	}
	aead, ok := r.aeads[v.keyID]
	if !ok {
		return nil, &UnknownKeyError{ID: v.keyID}
	}
	nonce, box := v.payload[:nonceSize], v.payload[nonceSize:]
	out, err := aead.Open(make([]byte, 0, len(box)-tagSize), nonce, box, additionalData(v.keyID))
	if err != nil {
		return nil, ErrDecrypt
	}
	return out, nil
}

// KeyID returns the ID of the key a value was sealed with, without
// decrypting it. A well-formed value naming a key outside the ring returns
// that ID together with an [*UnknownKeyError].
func (r *Keyring) KeyID(s string) (string, error) {
	v, err := parseSealed(s)
	if err != nil {
		return "", err
	}
	if _, ok := r.aeads[v.keyID]; !ok {
		return v.keyID, &UnknownKeyError{ID: v.keyID}
	}
	return v.keyID, nil
}

// IsCurrent reports whether s is well formed and names the primary key. It
// does not authenticate s; [Keyring.Reseal] does.
func (r *Keyring) IsCurrent(s string) bool {
	v, err := parseSealed(s)
	return err == nil && v.keyID == r.primary
}

// Reseal opens s and, unless it is already sealed with the primary key,
// seals it again with the primary key. The bool reports whether the returned
// value differs from s. A value that fails to open is returned as "" with the
// [Keyring.Open] error, even when it names the primary key.
func (r *Keyring) Reseal(s string) (string, bool, error) {
	plaintext, err := r.Open(s)
	if err != nil {
		return "", false, err
	}
	defer clear(plaintext)
	if r.IsCurrent(s) {
		return s, false, nil
	}
	out, err := r.Seal(plaintext)
	if err != nil {
		return "", false, err
	}
	return out, true, nil
}

// IsSealed reports whether s has the shape of a sealed value: version, a
// valid key ID and a payload long enough for a nonce and a tag. It does not
// check that any keyring can open s.
func IsSealed(s string) bool {
	_, err := parseSealed(s)
	return err == nil
}

// parseSealed splits and decodes s. Errors never quote s.
func parseSealed(s string) (sealed, error) {
	ver, rest, ok := strings.Cut(s, ".")
	if !ok || ver != version {
		return sealed{}, malformed("want prefix " + version + ".")
	}
	id, body, ok := strings.Cut(rest, ".")
	if !ok || id == "" || len(id) > MaxKeyIDLen || !validIDChars(id) {
		return sealed{}, malformed("bad key ID field")
	}
	if !validIDChars(body) { // base64url alphabet; also rejects CR/LF, which the decoder skips
		return sealed{}, malformed("payload is not base64url")
	}
	payload, err := payloadEncoding.DecodeString(body)
	if err != nil {
		return sealed{}, malformed("payload is not base64url")
	}
	if len(payload) < nonceSize+tagSize {
		return sealed{}, malformed("payload too short")
	}
	return sealed{keyID: id, payload: payload}, nil
}

// header returns "v1.<id>.".
func header(id string) string { return version + "." + id + "." }

// additionalData binds the version and key ID to the ciphertext.
func additionalData(id string) []byte { return []byte(version + "." + id) }
