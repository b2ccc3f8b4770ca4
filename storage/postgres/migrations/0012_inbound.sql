-- Package integration/inbound: the URL of each integration's inbound
-- provider events, and the events received, kept once per provider event ID
-- (the de-duplication every host shares).

-- One endpoint per integration: the URL's token (sealed) and its hash, which
-- a provider's request is looked up by, and the event categories the admin
-- keeps. It goes with its integration.
CREATE TABLE inbound_endpoints (
  integration_id UUID PRIMARY KEY REFERENCES integrations(id) ON DELETE CASCADE,
  organization_id UUID NOT NULL,
  provider VARCHAR(50) NOT NULL,
  token TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  categories TEXT[] NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);

-- The normalised events received. (integration_id, event_id) is the
-- de-duplication key, shared by every host; published_at is set once the
-- host has them. data is json, not jsonb: it keeps the provider's bytes.
CREATE TABLE inbound_events (
  id UUID PRIMARY KEY,
  organization_id UUID NOT NULL,
  integration_id UUID NOT NULL,
  provider VARCHAR(50) NOT NULL,
  event_id TEXT NOT NULL,
  type VARCHAR(50) NOT NULL,
  occurred_at TIMESTAMPTZ,
  data JSON NOT NULL,
  received_at TIMESTAMPTZ NOT NULL,
  published_at TIMESTAMPTZ,
  UNIQUE (integration_id, event_id)
);
CREATE INDEX idx_inbound_events_org_time ON inbound_events(organization_id, received_at DESC, id DESC);
CREATE INDEX idx_inbound_events_integration_time ON inbound_events(integration_id, received_at DESC, id DESC);
CREATE INDEX idx_inbound_events_time ON inbound_events(received_at);
