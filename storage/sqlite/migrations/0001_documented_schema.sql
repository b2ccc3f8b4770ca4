-- The schema of UC-ADMIN-007 §18, as documented, with two changes:
--  * the foreign keys to organizations(id) and user_profiles(id) are dropped:
--    those tables belong to the host application; the UUID columns stay;
--  * webhooks.secret is TEXT instead of VARCHAR(64): the column holds the
--    AES-256-GCM ciphertext of the secret (nonce, tag and key ID included),
--    which is longer than 64 characters.
--
-- Translated to SQLite (see the package documentation):
--  * UUID is TEXT holding the canonical lowercase form; gen_random_uuid()
--    becomes an expression building a random (version 4) UUID;
--  * JSONB is TEXT holding JSON; TEXT[] is TEXT holding a JSON array;
--  * TIMESTAMPTZ is TEXT holding UTC time as 2006-01-02T15:04:05.000000Z,
--    fixed width so that text order is time order; NOW() becomes strftime;
--  * VARCHAR(n) keeps its declaration, but SQLite does not enforce n.

CREATE TABLE integrations (
  id TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
    substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) ||
    substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))),
  organization_id TEXT NOT NULL,
  type VARCHAR(50) NOT NULL,
  provider VARCHAR(50) NOT NULL,
  name VARCHAR(100) NOT NULL,
  config TEXT NOT NULL,
  status VARCHAR(20) DEFAULT 'inactive',
  last_health_check TEXT,
  last_sync TEXT,
  error_message TEXT,
  created_at TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
  updated_at TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))
);

CREATE TABLE oauth_tokens (
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
  updated_at TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))
);

CREATE TABLE webhooks (
  id TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
    substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) ||
    substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))),
  organization_id TEXT NOT NULL,
  name VARCHAR(100) NOT NULL,
  url TEXT NOT NULL,
  secret TEXT,
  events TEXT NOT NULL,
  status VARCHAR(20) DEFAULT 'active',
  created_at TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
  updated_at TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))
);

CREATE TABLE webhook_deliveries (
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
);

CREATE TABLE webhook_dlq (
  id TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
    substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) ||
    substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))),
  webhook_id TEXT NOT NULL REFERENCES webhooks(id),
  delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id),
  reason TEXT NOT NULL,
  added_at TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))
);

CREATE INDEX idx_integrations_org ON integrations(organization_id);
CREATE INDEX idx_integrations_status ON integrations(status);
CREATE INDEX idx_oauth_tokens_integration ON oauth_tokens(integration_id);
CREATE INDEX idx_webhooks_org ON webhooks(organization_id);
CREATE INDEX idx_webhook_deliveries_webhook ON webhook_deliveries(webhook_id);
CREATE INDEX idx_webhook_deliveries_status ON webhook_deliveries(status);
