// Package sealed holds what the SQL backends share about secret columns:
// the JSON envelope of a sealed document, sealing of optional text, and the
// walk that reseals every secret column after a key rotation.
package sealed

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/intimeos/integrations/storage"
)

// envelope is how a sealed document sits in a JSON column such as
// integrations.config: {"sealed": "<ciphertext>"}.
type envelope struct {
	Sealed string `json:"sealed"`
}

// errNotEnvelope reports a JSON column that does not hold an envelope.
var errNotEnvelope = errors.New("sealed column is not an envelope")

// Envelope seals a JSON document (empty means {}) and wraps the
// ciphertext in an envelope.
func Envelope(s storage.Sealer, plain json.RawMessage) ([]byte, error) {
	if len(plain) == 0 {
		plain = json.RawMessage("{}")
	}
	ct, err := s.Seal(plain)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return Wrap(ct)
}

// Wrap puts ciphertext in an envelope.
func Wrap(ciphertext string) ([]byte, error) { return json.Marshal(envelope{Sealed: ciphertext}) }

// Unwrap returns the ciphertext inside an envelope.
func Unwrap(col []byte) (string, error) {
	var env envelope
	if err := json.Unmarshal(col, &env); err != nil || env.Sealed == "" {
		return "", errNotEnvelope
	}
	return env.Sealed, nil
}

// OpenEnvelope opens a document sealed by [Envelope].
func OpenEnvelope(s storage.Sealer, col []byte) (json.RawMessage, error) {
	ct, err := Unwrap(col)
	if err != nil {
		return nil, err
	}
	pt, err := s.Open(ct)
	if err != nil {
		return nil, fmt.Errorf("open sealed column: %w", err)
	}
	return pt, nil
}

// Text seals an optional secret; "" stays NULL (nil).
func Text(s storage.Sealer, plain string) (*string, error) {
	if plain == "" {
		return nil, nil
	}
	ct, err := s.Seal([]byte(plain))
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return &ct, nil
}

// OpenText opens an optional sealed column; NULL and "" are "".
func OpenText(s storage.Sealer, col *string) (string, error) {
	if col == nil || *col == "" {
		return "", nil
	}
	pt, err := s.Open(*col)
	if err != nil {
		return "", fmt.Errorf("open sealed column: %w", err)
	}
	return string(pt), nil
}
