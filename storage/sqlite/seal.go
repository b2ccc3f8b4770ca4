package sqlite

import (
	"encoding/json"
	"fmt"
)

// sealedJSON is how a sealed value sits in a JSON column such as
// integrations.config: {"sealed": "<ciphertext>"}.
type sealedJSON struct {
	Sealed string `json:"sealed"`
}

func (s *Store) sealJSON(plain json.RawMessage) (string, error) {
	if len(plain) == 0 {
		plain = json.RawMessage("{}")
	}
	ct, err := s.sealer.Seal(plain)
	if err != nil {
		return "", fmt.Errorf("sqlite: seal: %w", err)
	}
	b, err := json.Marshal(sealedJSON{Sealed: ct})
	return string(b), err
}

func (s *Store) openJSON(col string) (json.RawMessage, error) {
	var env sealedJSON
	if err := json.Unmarshal([]byte(col), &env); err != nil || env.Sealed == "" {
		return nil, fmt.Errorf("sqlite: sealed column is not an envelope")
	}
	pt, err := s.sealer.Open(env.Sealed)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open sealed column: %w", err)
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
		return nil, fmt.Errorf("sqlite: seal: %w", err)
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
		return "", fmt.Errorf("sqlite: open sealed column: %w", err)
	}
	return string(pt), nil
}
