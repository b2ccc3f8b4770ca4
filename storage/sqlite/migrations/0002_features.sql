-- What the SDK's features need beyond the documented schema. Documented
-- columns keep their names and types; everything here is an addition.
--
-- SQLite cannot add a CHECK constraint or a NOT NULL to an existing column,
-- so the five documented tables are rebuilt the way SQLite documents
-- (https://www.sqlite.org/lang_altertable.html#otheralter): create the new
-- table, copy the rows, drop the old one, rename, recreate the indexes.
-- Migrate runs this with foreign_keys off and checks foreign keys before it
-- commits.

-- integrations: status values (plus 'disabled', ADMIN-INT-015),
-- per-integration retry policy, health-check scheduling.
CREATE TABLE integrations_new (
  id TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
    substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) ||
    substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))),
  organization_id TEXT NOT NULL,
  type VARCHAR(50) NOT NULL,
  provider VARCHAR(50) NOT NULL,
  name VARCHAR(100) NOT NULL,
  config TEXT NOT NULL,
  status VARCHAR(20) DEFAULT 'inactive'
    CONSTRAINT integrations_status_check CHECK (status IN ('active', 'inactive', 'error', 'disabled')),
  last_health_check TEXT,
  last_sync TEXT,
  error_message TEXT,
  created_at TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
  updated_at TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
  retry_policy TEXT,
  next_check_at TEXT
);
INSERT INTO integrations_new (id, organization_id, type, provider, name, config, status, last_health_check,
  last_sync, error_message, created_at, updated_at)
  SELECT id, organization_id, type, provider, name, config, status, last_health_check,
  last_sync, error_message, created_at, updated_at FROM integrations;
DROP TABLE integrations;
ALTER TABLE integrations_new RENAME TO integrations;
CREATE INDEX idx_integrations_org ON integrations(organization_id);
CREATE INDEX idx_integrations_status ON integrations(status);
CREATE INDEX idx_integrations_org_created ON integrations(organization_id, created_at DESC, id DESC);
CREATE INDEX idx_integrations_next_check ON integrations(next_check_at) WHERE next_check_at IS NOT NULL;

-- oauth_tokens: tenant scope and a version for compare-and-swap refreshes.
CREATE TABLE oauth_tokens_new (
  id TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
    substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) ||
    substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))),
  integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  user_id TEXT,
  access_token TEXT NOT NULL,
  refresh_token TEXT,
  token_type VARCHAR(20) DEFAULT 'Bearer',
  expires_at TEXT,
  scope TEXT,
  created_at TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
  updated_at TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
  organization_id TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
INSERT INTO oauth_tokens_new (id, integration_id, user_id, access_token, refresh_token, token_type, expires_at,
  scope, created_at, updated_at, organization_id)
  SELECT t.id, t.integration_id, t.user_id, t.access_token, t.refresh_token, t.token_type, t.expires_at,
  t.scope, t.created_at, t.updated_at, i.organization_id FROM oauth_tokens t JOIN integrations i ON i.id = t.integration_id;
DROP TABLE oauth_tokens;
ALTER TABLE oauth_tokens_new RENAME TO oauth_tokens;
CREATE INDEX idx_oauth_tokens_integration ON oauth_tokens(integration_id);

-- webhooks: status values, unique names per organization, secret rotation,
-- retry policy.
CREATE TABLE webhooks_new (
  id TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
    substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) ||
    substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))),
  organization_id TEXT NOT NULL,
  name VARCHAR(100) NOT NULL,
  url TEXT NOT NULL,
  secret TEXT,
  events TEXT NOT NULL,
  status VARCHAR(20) DEFAULT 'active'
    CONSTRAINT webhooks_status_check CHECK (status IN ('active', 'disabled')),
  created_at TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
  updated_at TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
  previous_secret TEXT,
  previous_secret_expires_at TEXT,
  disabled_reason TEXT,
  retry_policy TEXT
);
INSERT INTO webhooks_new (id, organization_id, name, url, secret, events, status, created_at, updated_at)
  SELECT id, organization_id, name, url, secret, events, status, created_at, updated_at FROM webhooks;
DROP TABLE webhooks;
ALTER TABLE webhooks_new RENAME TO webhooks;
CREATE INDEX idx_webhooks_org ON webhooks(organization_id);
CREATE UNIQUE INDEX idx_webhooks_org_name ON webhooks(organization_id, name);
CREATE INDEX idx_webhooks_org_created ON webhooks(organization_id, created_at DESC, id DESC);

-- webhook_deliveries: status values, tenant scope, the stable event ID sent
-- on every retry, idempotent publishing, truncation flag, error text,
-- creation time.
CREATE TABLE webhook_deliveries_new (
  id TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
    substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) ||
    substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))),
  webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  event_type VARCHAR(50) NOT NULL,
  payload TEXT NOT NULL,
  request_headers TEXT,
  response_status INTEGER,
  response_body TEXT,
  response_headers TEXT,
  duration_ms INTEGER,
  attempt_number INTEGER DEFAULT 1,
  delivered_at TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
  next_retry_at TEXT,
  status VARCHAR(20) DEFAULT 'pending'
    CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('pending', 'success', 'failed', 'dlq')),
  organization_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  idempotency_key TEXT,
  response_truncated INTEGER NOT NULL DEFAULT 0 CHECK (response_truncated IN (0, 1)),
  error_message TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))
);
INSERT INTO webhook_deliveries_new (id, webhook_id, event_type, payload, request_headers, response_status,
  response_body, response_headers, duration_ms, attempt_number, delivered_at, next_retry_at, status,
  organization_id, event_id)
  SELECT d.id, d.webhook_id, d.event_type, d.payload, d.request_headers, d.response_status,
  d.response_body, d.response_headers, d.duration_ms, d.attempt_number, d.delivered_at, d.next_retry_at, d.status,
  w.organization_id, d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id;
DROP TABLE webhook_deliveries;
ALTER TABLE webhook_deliveries_new RENAME TO webhook_deliveries;
CREATE INDEX idx_webhook_deliveries_webhook ON webhook_deliveries(webhook_id);
CREATE INDEX idx_webhook_deliveries_status ON webhook_deliveries(status);
CREATE INDEX idx_webhook_deliveries_org_created ON webhook_deliveries(organization_id, created_at DESC, id DESC);
CREATE INDEX idx_webhook_deliveries_event ON webhook_deliveries(event_id);
CREATE INDEX idx_webhook_deliveries_due ON webhook_deliveries(next_retry_at) WHERE status = 'pending';
CREATE UNIQUE INDEX idx_webhook_deliveries_idempotency ON webhook_deliveries(webhook_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

-- webhook_dlq: tenant scope; entries go with their webhook and delivery.
CREATE TABLE webhook_dlq_new (
  id TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
    substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) ||
    substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))),
  webhook_id TEXT NOT NULL REFERENCES webhooks(id),
  delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id),
  reason TEXT NOT NULL,
  added_at TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
  organization_id TEXT NOT NULL
);
INSERT INTO webhook_dlq_new (id, webhook_id, delivery_id, reason, added_at, organization_id)
  SELECT q.id, q.webhook_id, q.delivery_id, q.reason, q.added_at, w.organization_id
  FROM webhook_dlq q JOIN webhooks w ON w.id = q.webhook_id;
DROP TABLE webhook_dlq;
ALTER TABLE webhook_dlq_new RENAME TO webhook_dlq;
CREATE INDEX idx_webhook_dlq_org_added ON webhook_dlq(organization_id, added_at DESC, id DESC);
CREATE INDEX idx_webhook_dlq_delivery ON webhook_dlq(delivery_id);

CREATE TABLE integration_logs (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  level VARCHAR(10) NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
  message TEXT NOT NULL,
  details TEXT,
  logged_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))
);
CREATE INDEX idx_integration_logs_org_time ON integration_logs(organization_id, logged_at DESC, id DESC);
CREATE INDEX idx_integration_logs_time ON integration_logs(logged_at);

CREATE TABLE integration_metrics (
  organization_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  metric VARCHAR(100) NOT NULL,
  bucket_start TEXT NOT NULL,
  count INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0,
  duration_ms INTEGER NOT NULL DEFAULT 0,
  max_duration_ms INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (organization_id, integration_id, metric, bucket_start)
);

CREATE TABLE integration_alerts (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL,
  integration_id TEXT,
  dedup_key TEXT NOT NULL,
  severity VARCHAR(20) NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  title TEXT NOT NULL,
  message TEXT NOT NULL,
  impact TEXT NOT NULL DEFAULT '',
  status VARCHAR(20) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  count INTEGER NOT NULL DEFAULT 1,
  first_seen_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
  last_seen_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
  resolved_at TEXT
);
CREATE UNIQUE INDEX idx_integration_alerts_open ON integration_alerts(organization_id, dedup_key) WHERE status = 'open';
CREATE INDEX idx_integration_alerts_org ON integration_alerts(organization_id, last_seen_at DESC, id DESC);

CREATE TABLE oauth_states (
  state_hash TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  user_id TEXT,
  provider VARCHAR(50) NOT NULL,
  code_verifier TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))
);
CREATE INDEX idx_oauth_states_expires ON oauth_states(expires_at);

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL,
  name VARCHAR(100) NOT NULL,
  prefix VARCHAR(16) NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  scopes TEXT NOT NULL DEFAULT '[]',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
  last_used_at TEXT,
  expires_at TEXT,
  revoked_at TEXT
);
CREATE INDEX idx_api_tokens_org ON api_tokens(organization_id, created_at DESC);
