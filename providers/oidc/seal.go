package oidc

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The purposes of sealed values: a value sealed for one cannot be opened
// as the other.
const (
	purposeFlow    = "flow"
	purposeSession = "session"
)

// sealPrefix starts every sealed value: the format's version.
const sealPrefix = "v1."

// errSealed is the one error of opening: tampered, truncated, sealed under
// another client secret, issuer or client ID, or not sealed at all.
var errSealed = errors.New("oidc: sealed value cannot be opened")

// sealer seals values with AES-256-GCM under a key derived (HKDF-SHA256)
// from the client secret, bound to the issuer, the client ID and a
// purpose. The host keeps the sealed text; only a provider with the same
// settings opens it.
type sealer struct {
	aead cipher.AEAD
	ad   []byte
	rand io.Reader
}

func newSealer(st *settings, purpose string, rand io.Reader) (*sealer, error) {
	info := strings.Join([]string{"intime oidc", purpose, st.issuer, st.clientID}, "\x00")
	key, err := hkdf.Key(sha256.New, []byte(st.clientSecret), []byte("intime-oidc-seal-v1"), info, 32)
	if err != nil {
		return nil, fmt.Errorf("oidc: derive sealing key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("oidc: sealing cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("oidc: sealing cipher: %w", err)
	}
	return &sealer{aead: aead, ad: []byte(sealPrefix + purpose), rand: rand}, nil
}

// seal encodes v as JSON and returns it sealed: "v1." and the base64url of
// the GCM nonce and ciphertext.
func (s *sealer) seal(v any) (string, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("oidc: seal: %w", err)
	}
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	if _, err := io.ReadFull(s.rand, nonce); err != nil {
		return "", fmt.Errorf("oidc: seal: random: %w", err)
	}
	return sealPrefix + base64.RawURLEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plain, s.ad)), nil
}

// open authenticates and decrypts text into v.
func (s *sealer) open(text string, v any) error {
	raw, ok := strings.CutPrefix(text, sealPrefix)
	if !ok {
		return errSealed
	}
	data, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil || len(data) < s.aead.NonceSize()+s.aead.Overhead() {
		return errSealed
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, data[:n], data[n:], s.ad)
	if err != nil {
		return errSealed
	}
	if err := json.Unmarshal(plain, v); err != nil {
		return errSealed
	}
	return nil
}
