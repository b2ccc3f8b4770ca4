-- Package integration/inbound: the URL of each integration's inbound
-- provider events, and the events received, kept once per provider event ID
-- (the de-duplication every host shares).

-- One endpoint per integration: the URL's token (sealed) and its hash, which
-- a provider's request is looked up by, and the event categories the admin
-- keeps. It goes with its integration.
CREATE TABLE inbound_endpoints (
  integration_id TEXT PRIMARY KEY REFERENCES integrations(id) ON DELETE CASCADE,
  organization_id TEXT NOT NULL,
  provider VARCHAR(50) NOT NULL,
  token TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  categories TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- The normalised events received. (integration_id, event_id) is the
-- de-duplication key; published_at is set once the host has them.
CREATE TABLE inbound_events (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  provider VARCHAR(50) NOT NULL,
  event_id TEXT NOT NULL,
  type VARCHAR(50) NOT NULL,
  occurred_at TEXT,
  data TEXT NOT NULL,
  received_at TEXT NOT NULL,
  published_at TEXT,
  UNIQUE (integration_id, event_id)
);
CREATE INDEX idx_inbound_events_org_time ON inbound_events(organization_id, received_at DESC, id DESC);
CREATE INDEX idx_inbound_events_integration_time ON inbound_events(integration_id, received_at DESC, id DESC);
CREATE INDEX idx_inbound_events_time ON inbound_events(received_at);
