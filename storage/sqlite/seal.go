package sqlite

import (
	"encoding/json"
	"fmt"

	"github.com/intimeos/integrations/storage/internal/sealed"
)

// sealJSON seals a document for a JSON text column.
func (s *Store) sealJSON(plain json.RawMessage) (string, error) {
	b, err := sealed.Envelope(s.sealer, plain)
	return string(b), wrapSealErr(err)
}

// openJSON opens a document sealed by sealJSON.
func (s *Store) openJSON(col string) (json.RawMessage, error) {
	pt, err := sealed.OpenEnvelope(s.sealer, []byte(col))
	return pt, wrapSealErr(err)
}

// sealText seals an optional secret; "" stays NULL.
func (s *Store) sealText(plain string) (*string, error) {
	ct, err := sealed.Text(s.sealer, plain)
	return ct, wrapSealErr(err)
}

// openText opens an optional sealed column; NULL is "".
func (s *Store) openText(col *string) (string, error) {
	pt, err := sealed.OpenText(s.sealer, col)
	return pt, wrapSealErr(err)
}

func wrapSealErr(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("sqlite: %w", err)
}
