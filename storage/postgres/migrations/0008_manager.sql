-- What the integration Manager keeps besides the documented schema.

-- integrations: each integration's own health-check interval (NULL: the
-- Manager's default), when its status last changed (the dashboard's
-- "ERROR (Last 15 minutes)"), and the error of its last call ("2 min ago
-- (failed)"; NULL when that call succeeded).
ALTER TABLE integrations
  ADD COLUMN check_interval_seconds INTEGER CHECK (check_interval_seconds > 0),
  ADD COLUMN status_changed_at TIMESTAMPTZ,
  ADD COLUMN last_sync_error TEXT;

-- The due scan of health checks, in claim order. It replaces
-- idx_integrations_next_check of 0002, whose rows it narrows to the
-- integrations that are checked.
DROP INDEX idx_integrations_next_check;
CREATE INDEX idx_integrations_check_due ON integrations(next_check_at, id)
  WHERE next_check_at IS NOT NULL AND status <> 'disabled';

-- An organization's defaults for its integrations.
CREATE TABLE organization_settings (
  organization_id UUID PRIMARY KEY,
  retry_policy JSONB,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- Which integrations serve an organization's calls of one type: the primary
-- (NULL: the oldest integration of the type) and the backup calls fail over
-- to. Deleting an integration clears the routes that named it.
CREATE TABLE integration_routes (
  organization_id UUID NOT NULL,
  type VARCHAR(50) NOT NULL,
  primary_integration_id UUID REFERENCES integrations(id) ON DELETE SET NULL,
  backup_integration_id UUID REFERENCES integrations(id) ON DELETE SET NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  PRIMARY KEY (organization_id, type),
  CONSTRAINT integration_routes_distinct CHECK (primary_integration_id IS DISTINCT FROM backup_integration_id
    OR primary_integration_id IS NULL)
);
CREATE INDEX idx_integration_routes_primary ON integration_routes(primary_integration_id);
CREATE INDEX idx_integration_routes_backup ON integration_routes(backup_integration_id);
