// Package secret encrypts small secrets at rest (integration configs, OAuth
// tokens, webhook signing secrets) and masks them for display.
//
// # Keys
//
// Keys come from the host, never from a default: 32 random bytes written as
// hex or base64 (standard or URL alphabet, padded or not). Generate one with
//
//	openssl rand -base64 32
//
// and parse it with [ParseKey], or read a whole keyring from an environment
// variable with [KeyringFromEnv]. A missing, malformed or short key is an
// error that says what to do; key material never appears in an error, in
// fmt output or in a log line.
//
// # Sealing
//
// A [Keyring] holds one or more keys. The last (newest) key is the primary:
// [Keyring.Seal] always uses it, [Keyring.Open] accepts any key in the ring.
// Sealing is AES-256-GCM with a random 12-byte nonce from crypto/rand. The
// result is ASCII text, safe in a TEXT column and inside a JSON string:
//
//	v1.<keyID>.<base64url, no padding, of nonce || ciphertext || tag>
//
// The version and key ID are authenticated as GCM additional data, so a
// value whose key ID was swapped fails to open.
//
// # Rotation
//
// To rotate, append a new key to the ring (it becomes the primary), deploy,
// then walk the stored values with [Keyring.Reseal], which re-seals anything
// not sealed with the primary key. [Keyring.IsCurrent] and [Keyring.KeyID]
// tell which key a value uses without decrypting it. Once nothing is sealed
// with an old key, drop it from the ring.
//
// # Errors
//
// [Keyring.Open] fails with an error matching [ErrMalformed] (not a sealed
// value), [ErrUnknownKey] (also an [*UnknownKeyError] carrying the ID) or
// [ErrDecrypt] (wrong key or tampered value). Key parsing fails with an
// error matching [ErrInvalidKey] (also a [*KeyError]).
//
// # Masking
//
// [Mask] renders a secret for API responses and logs: a fixed-width run of
// bullets, followed by the last four characters only when the secret is at
// least twelve characters long.
package secret
