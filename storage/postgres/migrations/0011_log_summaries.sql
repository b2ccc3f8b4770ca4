-- Integration logs (integration/logs.go): one integration's entries are
-- listed, exported and cleared by integration_id; the daily summary reads
-- the metric buckets of one day across organizations; and each
-- integration's summary of a UTC day is claimed once, by one host.
CREATE INDEX idx_integration_logs_integration_time ON integration_logs(integration_id, logged_at DESC, id DESC);
CREATE INDEX idx_integration_metrics_bucket ON integration_metrics(bucket_start);

-- The daily summaries written: (integration_id, day) is the claim that
-- every host's INSERT ... ON CONFLICT DO NOTHING competes for. day is the
-- summarised UTC day. It goes with its integration.
CREATE TABLE integration_log_summaries (
  integration_id UUID NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  day DATE NOT NULL,
  written_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (integration_id, day)
);
