-- What the SDK's features need beyond the documented schema. Documented
-- columns keep their names and types; everything here is an addition.

-- Status values, as the spec lists them (plus 'disabled', ADMIN-INT-015).
ALTER TABLE integrations ADD CONSTRAINT integrations_status_check
  CHECK (status IN ('active', 'inactive', 'error', 'disabled'));
ALTER TABLE webhooks ADD CONSTRAINT webhooks_status_check
  CHECK (status IN ('active', 'disabled'));
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_status_check
  CHECK (status IN ('pending', 'success', 'failed', 'dlq'));

-- integrations: per-integration retry policy, health-check scheduling.
ALTER TABLE integrations
  ADD COLUMN retry_policy JSONB,
  ADD COLUMN next_check_at TIMESTAMPTZ;
CREATE INDEX idx_integrations_org_created ON integrations(organization_id, created_at DESC, id DESC);
CREATE INDEX idx_integrations_next_check ON integrations(next_check_at) WHERE next_check_at IS NOT NULL;

-- oauth_tokens: tenant scope and a version for compare-and-swap refreshes.
ALTER TABLE oauth_tokens
  ADD COLUMN organization_id UUID,
  ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
UPDATE oauth_tokens t SET organization_id = i.organization_id FROM integrations i WHERE i.id = t.integration_id;
ALTER TABLE oauth_tokens ALTER COLUMN organization_id SET NOT NULL;

-- webhooks: unique names per organization, secret rotation, retry policy.
ALTER TABLE webhooks
  ADD COLUMN previous_secret TEXT,
  ADD COLUMN previous_secret_expires_at TIMESTAMPTZ,
  ADD COLUMN disabled_reason TEXT,
  ADD COLUMN retry_policy JSONB;
CREATE UNIQUE INDEX idx_webhooks_org_name ON webhooks(organization_id, name);
CREATE INDEX idx_webhooks_org_created ON webhooks(organization_id, created_at DESC, id DESC);

-- webhook_deliveries: tenant scope, the stable event ID sent on every retry,
-- idempotent publishing, truncation flag, error text, creation time.
ALTER TABLE webhook_deliveries
  ADD COLUMN organization_id UUID,
  ADD COLUMN event_id UUID,
  ADD COLUMN idempotency_key TEXT,
  ADD COLUMN response_truncated BOOLEAN NOT NULL DEFAULT FALSE,
  ADD COLUMN error_message TEXT,
  ADD COLUMN created_at TIMESTAMPTZ NOT NULL DEFAULT NOW();
UPDATE webhook_deliveries d SET organization_id = w.organization_id, event_id = d.id FROM webhooks w WHERE w.id = d.webhook_id;
ALTER TABLE webhook_deliveries
  ALTER COLUMN organization_id SET NOT NULL,
  ALTER COLUMN event_id SET NOT NULL;
CREATE INDEX idx_webhook_deliveries_org_created ON webhook_deliveries(organization_id, created_at DESC, id DESC);
CREATE INDEX idx_webhook_deliveries_event ON webhook_deliveries(event_id);
CREATE INDEX idx_webhook_deliveries_due ON webhook_deliveries(next_retry_at) WHERE status = 'pending';
CREATE UNIQUE INDEX idx_webhook_deliveries_idempotency ON webhook_deliveries(webhook_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

-- webhook_dlq: tenant scope; entries go with their webhook and delivery.
ALTER TABLE webhook_dlq ADD COLUMN organization_id UUID;
UPDATE webhook_dlq q SET organization_id = w.organization_id FROM webhooks w WHERE w.id = q.webhook_id;
ALTER TABLE webhook_dlq ALTER COLUMN organization_id SET NOT NULL;
CREATE INDEX idx_webhook_dlq_org_added ON webhook_dlq(organization_id, added_at DESC, id DESC);
CREATE INDEX idx_webhook_dlq_delivery ON webhook_dlq(delivery_id);

CREATE TABLE integration_logs (
  id UUID PRIMARY KEY,
  organization_id UUID NOT NULL,
  integration_id UUID NOT NULL,
  level VARCHAR(10) NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
  message TEXT NOT NULL,
  details JSONB,
  logged_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_integration_logs_org_time ON integration_logs(organization_id, logged_at DESC, id DESC);
CREATE INDEX idx_integration_logs_time ON integration_logs(logged_at);

CREATE TABLE integration_metrics (
  organization_id UUID NOT NULL,
  integration_id UUID NOT NULL,
  metric VARCHAR(100) NOT NULL,
  bucket_start TIMESTAMPTZ NOT NULL,
  count BIGINT NOT NULL DEFAULT 0,
  errors BIGINT NOT NULL DEFAULT 0,
  duration_ms BIGINT NOT NULL DEFAULT 0,
  max_duration_ms BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (organization_id, integration_id, metric, bucket_start)
);

CREATE TABLE integration_alerts (
  id UUID PRIMARY KEY,
  organization_id UUID NOT NULL,
  integration_id UUID,
  dedup_key TEXT NOT NULL,
  severity VARCHAR(20) NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  title TEXT NOT NULL,
  message TEXT NOT NULL,
  impact TEXT NOT NULL DEFAULT '',
  status VARCHAR(20) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  count INTEGER NOT NULL DEFAULT 1,
  first_seen_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  last_seen_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  resolved_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX idx_integration_alerts_open ON integration_alerts(organization_id, dedup_key) WHERE status = 'open';
CREATE INDEX idx_integration_alerts_org ON integration_alerts(organization_id, last_seen_at DESC, id DESC);

CREATE TABLE oauth_states (
  state_hash TEXT PRIMARY KEY,
  organization_id UUID NOT NULL,
  integration_id UUID NOT NULL,
  user_id UUID,
  provider VARCHAR(50) NOT NULL,
  code_verifier TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_oauth_states_expires ON oauth_states(expires_at);

CREATE TABLE api_tokens (
  id UUID PRIMARY KEY,
  organization_id UUID NOT NULL,
  name VARCHAR(100) NOT NULL,
  prefix VARCHAR(16) NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  scopes TEXT[] NOT NULL DEFAULT '{}',
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  last_used_at TIMESTAMPTZ,
  expires_at TIMESTAMPTZ,
  revoked_at TIMESTAMPTZ
);
CREATE INDEX idx_api_tokens_org ON api_tokens(organization_id, created_at DESC);
