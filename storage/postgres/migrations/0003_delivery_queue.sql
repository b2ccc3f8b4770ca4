-- The delivery queue: a pending webhook_deliveries row is a job (see
-- storage.DeliveryQueue). A claim leases a row until locked_until under
-- claim_id, the fencing token its DeliveryFinish must present.
ALTER TABLE webhook_deliveries
  ADD COLUMN claim_id UUID,
  ADD COLUMN locked_until TIMESTAMPTZ;

-- The due scan, in claim order: pending rows by next_retry_at (NULL, "now",
-- first), then created_at, then id. It replaces idx_webhook_deliveries_due
-- of 0002, of which it is an extension.
DROP INDEX idx_webhook_deliveries_due;
CREATE INDEX idx_webhook_deliveries_due ON webhook_deliveries(next_retry_at NULLS FIRST, created_at, id)
  WHERE status = 'pending';
-- The same order per webhook, for claims with a per-webhook limit.
CREATE INDEX idx_webhook_deliveries_webhook_due ON webhook_deliveries(webhook_id, next_retry_at NULLS FIRST, created_at, id)
  WHERE status = 'pending';
-- Live leases, for the per-webhook count and the reaper. Finish, release and
-- reap clear locked_until, so the index stays as small as the work in flight.
CREATE INDEX idx_webhook_deliveries_lease ON webhook_deliveries(locked_until)
  WHERE status = 'pending' AND locked_until IS NOT NULL;
