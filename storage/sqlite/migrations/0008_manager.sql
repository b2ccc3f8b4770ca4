-- What the integration Manager keeps besides the documented schema (types
-- translated as in 0001).

-- integrations: each integration's own health-check interval (NULL: the
-- Manager's default), when its status last changed (the dashboard's
-- "ERROR (Last 15 minutes)"), and the error of its last call ("2 min ago
-- (failed)"; NULL when that call succeeded).
ALTER TABLE integrations ADD COLUMN check_interval_seconds INTEGER CHECK (check_interval_seconds > 0);
ALTER TABLE integrations ADD COLUMN status_changed_at TEXT;
ALTER TABLE integrations ADD COLUMN last_sync_error TEXT;

-- The due scan of health checks, in claim order. It replaces
-- idx_integrations_next_check of 0002, whose rows it narrows to the
-- integrations that are checked.
DROP INDEX idx_integrations_next_check;
CREATE INDEX idx_integrations_check_due ON integrations(next_check_at, id)
  WHERE next_check_at IS NOT NULL AND status <> 'disabled';

-- An organization's defaults for its integrations.
CREATE TABLE organization_settings (
  organization_id TEXT PRIMARY KEY,
  retry_policy TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))
);

-- Which integrations serve an organization's calls of one type: the primary
-- (NULL: the oldest integration of the type) and the backup calls fail over
-- to. Deleting an integration clears the routes that named it.
CREATE TABLE integration_routes (
  organization_id TEXT NOT NULL,
  type VARCHAR(50) NOT NULL,
  primary_integration_id TEXT REFERENCES integrations(id) ON DELETE SET NULL,
  backup_integration_id TEXT REFERENCES integrations(id) ON DELETE SET NULL,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
  PRIMARY KEY (organization_id, type),
  CONSTRAINT integration_routes_distinct CHECK (primary_integration_id IS NOT backup_integration_id
    OR primary_integration_id IS NULL)
);
CREATE INDEX idx_integration_routes_primary ON integration_routes(primary_integration_id);
CREATE INDEX idx_integration_routes_backup ON integration_routes(backup_integration_id);
