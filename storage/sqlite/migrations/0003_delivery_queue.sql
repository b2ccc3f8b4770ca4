-- The delivery queue: a pending webhook_deliveries row is a job (see
-- storage.DeliveryQueue). A claim leases a row until locked_until under
-- claim_id, the fencing token its DeliveryFinish must present.
-- claim_id is TEXT holding a UUID; locked_until is TEXT holding UTC time as
-- 2006-01-02T15:04:05.000000Z, like every timestamp (see 0001).
ALTER TABLE webhook_deliveries ADD COLUMN claim_id TEXT;
ALTER TABLE webhook_deliveries ADD COLUMN locked_until TEXT;

-- The due scan, in claim order: pending rows by next_retry_at (NULL, "now",
-- first, as SQLite sorts NULL), then created_at, then id. It replaces
-- idx_webhook_deliveries_due of 0002, of which it is an extension.
DROP INDEX idx_webhook_deliveries_due;
CREATE INDEX idx_webhook_deliveries_due ON webhook_deliveries(next_retry_at, created_at, id)
  WHERE status = 'pending';
-- Live leases, for the per-webhook count and the reaper. Finish, release and
-- reap clear locked_until, so the index stays as small as the work in flight.
CREATE INDEX idx_webhook_deliveries_lease ON webhook_deliveries(locked_until)
  WHERE status = 'pending' AND locked_until IS NOT NULL;
