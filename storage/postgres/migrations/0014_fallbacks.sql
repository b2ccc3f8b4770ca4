-- Credential rotation and manual mode (UC-ADMIN-007 §9, §10, ADMIN-INT-014).

-- integrations: when the credentials were last rotated (NULL: never, so
-- created_at is their age's start), and whether the integration is in
-- manual mode (its calls are queued until it is re-enabled).
ALTER TABLE integrations
  ADD COLUMN credentials_rotated_at TIMESTAMPTZ,
  ADD COLUMN manual_mode BOOLEAN NOT NULL DEFAULT false;

-- The operations queued while an integration is in manual mode, replayed
-- in seq order when it is re-enabled. A replay claims the oldest pending
-- row with a lease (claim_id, claimed_until) and marks it replayed under
-- that claim, so no row is replayed twice while its lease lasts. operation
-- is sealed like configs.
CREATE TABLE integration_manual_queue (
  id UUID PRIMARY KEY,
  seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  organization_id UUID NOT NULL,
  integration_id UUID NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  operation JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  claim_id UUID,
  claimed_until TIMESTAMPTZ,
  replayed_at TIMESTAMPTZ
);
CREATE INDEX idx_integration_manual_queue_pending ON integration_manual_queue(integration_id, seq)
  WHERE replayed_at IS NULL;
