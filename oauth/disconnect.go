package oauth

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// Disconnect removes an integration's OAuth connection: every stored token
// set is deleted (nothing is sent to the provider; revoke the grant there
// too if the account should no longer trust the client), this Connector's
// cache forgets it, and the integration becomes inactive with no message,
// until it is connected again. Disconnecting an integration that is not
// connected only sets it inactive. An unknown integration is
// [storage.ErrNotFound].
func (c *Connector) Disconnect(ctx context.Context, orgID, integrationID uuid.UUID) error {
	if _, err := c.store.IntegrationGet(ctx, orgID, integrationID); err != nil {
		return err
	}
	for {
		tok, err := c.store.OAuthTokenGetByIntegration(ctx, orgID, integrationID)
		if errors.Is(err, storage.ErrNotFound) {
			break
		}
		if err != nil {
			return err
		}
		if err := c.store.OAuthTokenDelete(ctx, orgID, tok.ID); err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
	}
	c.forget(integrationID)
	if err := c.setStatus(ctx, orgID, integrationID, storage.IntegrationInactive, ""); err != nil {
		return err
	}
	c.cfg.Logger.InfoContext(ctx, "oauth account disconnected", "integration_id", integrationID)
	return nil
}
