package integration

import (
	"errors"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/storage"
)

// StoredSettings returns the provider settings of a stored integration,
// secrets in plaintext, as the call path hands them to its provider: for
// code that calls an integration's provider outside the call path (package
// integration/inbound passes them to HandleWebhook). Never show or log
// them; [Integration.Settings] is the masked view.
func StoredSettings(in *storage.Integration) (providers.Settings, error) {
	if in == nil {
		return nil, errors.New("integration: StoredSettings of a nil integration")
	}
	return decodeSettings(in.Config)
}
