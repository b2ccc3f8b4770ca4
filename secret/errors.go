package secret

import (
	"errors"
	"fmt"
)

// Sentinel errors, matched with [errors.Is].
var (
	// ErrDecrypt reports that a well-formed sealed value failed
	// authentication: it was tampered with or sealed under different key
	// material with the same ID.
	ErrDecrypt = errors.New("secret: decryption failed: wrong key or tampered value")

	// ErrUnknownKey reports that a sealed value names a key ID that is not
	// in the keyring. The concrete error is an [*UnknownKeyError].
	ErrUnknownKey = errors.New("secret: unknown key")

	// ErrMalformed reports that a string is not a sealed value.
	ErrMalformed = errors.New("secret: malformed sealed value")

	// ErrInvalidKey reports a key or key ID that cannot be used. The
	// concrete error is a [*KeyError].
	ErrInvalidKey = errors.New("secret: invalid key")
)

// UnknownKeyError is returned when a sealed value names a key ID that the
// keyring does not hold. It matches [ErrUnknownKey].
type UnknownKeyError struct {
	// ID is the key ID found in the sealed value.
	ID string
}

// Error implements error.
func (e *UnknownKeyError) Error() string {
	return fmt.Sprintf("secret: unknown key %q: add it to the keyring to open this value", e.ID)
}

// Is reports whether target is [ErrUnknownKey].
func (e *UnknownKeyError) Is(target error) bool { return target == ErrUnknownKey }

// KeyError describes a key or key ID that cannot be used. It never holds key
// material. It matches [ErrInvalidKey].
type KeyError struct {
	// ID is the key ID, or "" when the ID itself is the problem (an invalid
	// ID is not echoed, in case key material was pasted in its place).
	ID string
	// Problem says what is wrong and what to do, e.g. "is 16 bytes; want 32 ...".
	Problem string
}

// Error implements error.
func (e *KeyError) Error() string {
	if e.ID == "" {
		return "secret: key " + e.Problem
	}
	return fmt.Sprintf("secret: key %q %s", e.ID, e.Problem)
}

// Is reports whether target is [ErrInvalidKey].
func (e *KeyError) Is(target error) bool { return target == ErrInvalidKey }

// malformed wraps [ErrMalformed] with a reason that never quotes the input.
func malformed(reason string) error {
	return fmt.Errorf("%w: %s", ErrMalformed, reason)
}
