package storage

// Sealer encrypts the secret columns of a Store at rest: integration
// configuration, OAuth access and refresh tokens, PKCE verifiers and webhook
// signing secrets. Backends call Seal before every write of such a column and
// Open after every read, so callers only ever see plaintext and the database
// only ever holds ciphertext.
//
// Keys have IDs. A Store records, per key ID, a check value sealed with that
// key the first time the Sealer seals with it on a database, and refuses to
// migrate (and so to open) when the Sealer holds a key with a recorded ID
// that cannot open its check value ([KeyMismatchError]): a wrong key under
// the right ID is caught before it seals anything.
//
// [github.com/intimeos/integrations/secret.Keyring] implements Sealer. The
// interface lives here, at the seam, so that storage does not depend on a
// particular key management scheme.
type Sealer interface {
	// Seal encrypts plaintext with the current (newest) key and returns
	// printable text.
	Seal(plaintext []byte) (string, error)
	// Open decrypts text produced by Seal with any key the Sealer holds.
	Open(sealed string) ([]byte, error)
	// Reseal re-encrypts sealed text with the current key. It reports
	// whether the text changed (false when it was already current).
	Reseal(sealed string) (string, bool, error)
	// KeyID returns the ID of the key that sealed text, without decrypting
	// it. For well-formed text sealed with a key the Sealer does not hold,
	// it returns that ID and an error; for text that is not sealed at all,
	// "" and an error.
	KeyID(sealed string) (string, error)
}
