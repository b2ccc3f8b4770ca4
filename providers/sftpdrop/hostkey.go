package sftpdrop

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"
)

// HostKey is a pinned SSH server key: the key itself, or only its SHA256
// fingerprint.
type HostKey struct {
	// Key is the pinned key; nil when only Fingerprint is pinned.
	Key ssh.PublicKey
	// Fingerprint is the key's "SHA256:..." fingerprint.
	Fingerprint string
}

// HostKeyError is a server that presented a key other than the pinned one:
// the connection is refused before authenticating.
type HostKeyError struct {
	// Got is the presented key's fingerprint; Want the pinned one's.
	Got, Want string
}

// Error says which fingerprints differ.
func (e *HostKeyError) Error() string {
	return "sftpdrop: the server's host key " + e.Got + " is not the pinned key " + e.Want
}

var errHostKey = errors.New("sftpdrop: not a public host key or SHA256 fingerprint")

// ParseHostKey reads a pin: a public key line as in authorized_keys or
// known_hosts (a leading host pattern and a trailing comment are
// allowed), or a "SHA256:<base64>" fingerprint.
func ParseHostKey(s string) (*HostKey, error) {
	s = strings.TrimSpace(s)
	if fp, ok := strings.CutPrefix(s, "SHA256:"); ok {
		raw, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(fp, "="))
		if err != nil || len(raw) != 32 {
			return nil, errHostKey
		}
		return &HostKey{Fingerprint: "SHA256:" + base64.RawStdEncoding.EncodeToString(raw)}, nil
	}
	if strings.Contains(s, "\n") {
		return nil, errHostKey
	}
	key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(s))
	if err != nil {
		// A known_hosts line starts with the host pattern.
		if _, rest, ok := strings.Cut(s, " "); ok {
			key, _, _, _, err = ssh.ParseAuthorizedKey([]byte(rest))
		}
	}
	if err != nil {
		return nil, errHostKey
	}
	return &HostKey{Key: key, Fingerprint: ssh.FingerprintSHA256(key)}, nil
}

// Line returns the pin as it is entered: the authorized_keys form of the
// key, or the fingerprint.
func (h *HostKey) Line() string {
	if h.Key != nil {
		return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(h.Key)))
	}
	return h.Fingerprint
}

// callback returns the ssh.HostKeyCallback that accepts only the pinned
// key, and sets *verified when it does.
func (h *HostKey) callback(verified *bool) ssh.HostKeyCallback {
	return func(_ string, _ net.Addr, key ssh.PublicKey) error {
		got := ssh.FingerprintSHA256(key)
		ok := subtle.ConstantTimeCompare([]byte(got), []byte(h.Fingerprint)) == 1
		if h.Key != nil {
			ok = bytes.Equal(key.Marshal(), h.Key.Marshal())
		}
		if !ok {
			return &HostKeyError{Got: got, Want: h.Fingerprint}
		}
		*verified = true
		return nil
	}
}

// algorithms returns the host key algorithms to ask for, so that a server
// with several host keys presents the pinned one; nil (the defaults) when
// only a fingerprint is pinned.
func (h *HostKey) algorithms() []string {
	if h.Key == nil {
		return nil
	}
	if h.Key.Type() == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{h.Key.Type()}
}

func joinHostPort(host string, port int) string {
	return net.JoinHostPort(host, strconv.Itoa(port))
}

// String describes the pin for logs.
func (h *HostKey) String() string { return fmt.Sprintf("host key %s", h.Fingerprint) }
