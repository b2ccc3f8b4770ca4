package postgres

import (
	"encoding/json"
	"fmt"
)

// sealedJSON is how a sealed value sits in a JSONB column such as
// integrations.config: {"sealed": "<ciphertext>"}.
type sealedJSON struct {
	Sealed string `json:"sealed"`
}

func (s *Store) sealJSON(plain json.RawMessage) ([]byte, error) {
	if len(plain) == 0 {
		plain = json.RawMessage("{}")
	}
	ct, err := s.sealer.Seal(plain)
	if err != nil {
		return nil, fmt.Errorf("postgres: seal: %w", err)
	}
	return json.Marshal(sealedJSON{Sealed: ct})
}

func (s *Store) openJSON(col []byte) (json.RawMessage, error) {
	var env sealedJSON
	if err := json.Unmarshal(col, &env); err != nil || env.Sealed == "" {
		return nil, fmt.Errorf("postgres: sealed column is not an envelope")
	}
	pt, err := s.sealer.Open(env.Sealed)
	if err != nil {
		return nil, fmt.Errorf("postgres: open sealed column: %w", err)
	}
	return pt, nil
}

// sealText seals an optional secret; "" stays NULL.
func (s *Store) sealText(plain string) (*string, error) {
	if plain == "" {
		return nil, nil
	}
	ct, err := s.sealer.Seal([]byte(plain))
	if err != nil {
		return nil, fmt.Errorf("postgres: seal: %w", err)
	}
	return &ct, nil
}

// openText opens an optional sealed column; NULL is "".
func (s *Store) openText(col *string) (string, error) {
	if col == nil || *col == "" {
		return "", nil
	}
	pt, err := s.sealer.Open(*col)
	if err != nil {
		return "", fmt.Errorf("postgres: open sealed column: %w", err)
	}
	return string(pt), nil
}
