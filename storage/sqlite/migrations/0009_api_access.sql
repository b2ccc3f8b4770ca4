-- Package apiaccess: token settings and their change feed, the rate-limit
-- windows the hosts lease budget from, usage counters, anomalies, and the
-- marks of Zapier's webhook subscriptions.

-- A token's rate limits and rotation links. Tokens made without settings
-- have no row here.
CREATE TABLE api_token_settings (
  token_id TEXT PRIMARY KEY REFERENCES api_tokens(id) ON DELETE CASCADE,
  organization_id TEXT NOT NULL,
  per_minute INTEGER,
  per_hour INTEGER,
  rotated_from TEXT,
  replaced_by TEXT
);

-- Every revocation, rotation and limit change, for the hosts that cache
-- tokens: each reads the entries of the last minute every second or so.
CREATE TABLE api_token_changes (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL,
  token_id TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  changed_at TEXT NOT NULL
);
CREATE INDEX idx_api_token_changes_at ON api_token_changes(changed_at);

-- How much of a limit the hosts have leased in one window. A row is updated
-- in a write transaction (SQLite has one writer), so the grants never add up past limit_n.
CREATE TABLE api_rate_windows (
  rate_key TEXT NOT NULL,
  window_start TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  window_end TEXT NOT NULL,
  limit_n INTEGER NOT NULL,
  granted INTEGER NOT NULL,
  last_grant INTEGER NOT NULL,
  PRIMARY KEY (rate_key, window_start)
);
CREATE INDEX idx_api_rate_windows_end ON api_rate_windows(window_end);

-- Requests per minute, token, route pattern and status class.
CREATE TABLE api_usage (
  organization_id TEXT NOT NULL,
  bucket_start TEXT NOT NULL,
  token_id TEXT NOT NULL,
  route TEXT NOT NULL,
  status_class INTEGER NOT NULL,
  requests INTEGER NOT NULL,
  PRIMARY KEY (organization_id, bucket_start, token_id, route, status_class)
);
CREATE INDEX idx_api_usage_bucket ON api_usage(bucket_start);

-- Requests refused by a rate limit, per minute, token, route and limit.
CREATE TABLE api_throttles (
  organization_id TEXT NOT NULL,
  bucket_start TEXT NOT NULL,
  token_id TEXT NOT NULL,
  route TEXT NOT NULL,
  rate_limit TEXT NOT NULL,
  requests INTEGER NOT NULL,
  first_at TEXT NOT NULL,
  last_at TEXT NOT NULL,
  PRIMARY KEY (organization_id, bucket_start, token_id, route, rate_limit)
);
CREATE INDEX idx_api_throttles_bucket ON api_throttles(bucket_start);

-- One row per token and anomalous window: the host that inserts it reports it.
CREATE TABLE api_anomalies (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL,
  token_id TEXT NOT NULL,
  window_start TEXT NOT NULL,
  window_end TEXT NOT NULL,
  requests INTEGER NOT NULL,
  baseline REAL NOT NULL,
  detected_at TEXT NOT NULL,
  UNIQUE (token_id, window_start)
);
CREATE INDEX idx_api_anomalies_org ON api_anomalies(organization_id, window_start DESC);

-- Webhook subscriptions made through Zapier's REST hooks.
CREATE TABLE zapier_hooks (
  webhook_id TEXT PRIMARY KEY REFERENCES webhooks(id) ON DELETE CASCADE,
  organization_id TEXT NOT NULL,
  token_id TEXT NOT NULL,
  event VARCHAR(100) NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX idx_zapier_hooks_org ON zapier_hooks(organization_id, created_at DESC);
