-- Claims without index churn. A claim used to write every row it leased into
-- idx_webhook_deliveries_lease (locked_until), which made each lease a
-- non-HOT update: a new entry in every index of webhook_deliveries, and a
-- dead one left behind in each for the next claims to walk past. The leases a
-- webhook holds are now counted here instead, one row per claim and webhook,
-- written in the claim's own statement and counted down as its rows are
-- finished or released; a count ends with its claim's lease, like the leases
-- it counts. With no index on claim_id or locked_until, leasing a row changes
-- no indexed column, and PostgreSQL can update it in place (HOT) when its page
-- has room: the fillfactor keeps some.
CREATE TABLE webhook_delivery_leases (
  claim_id UUID NOT NULL,
  webhook_id UUID NOT NULL,
  leased INTEGER NOT NULL,
  locked_until TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (claim_id, webhook_id)
);
-- A claim reads the live counts and deletes the spent ones through these two
-- partial indexes, never the whole table: the table churns (a row per claim
-- and webhook, deleted once spent), and its dead rows wait for VACUUM, while
-- dead index entries are removed as the index pages fill.
CREATE INDEX idx_webhook_delivery_leases_live ON webhook_delivery_leases(webhook_id, locked_until) WHERE leased > 0;
CREATE INDEX idx_webhook_delivery_leases_spent ON webhook_delivery_leases(claim_id) WHERE leased <= 0;

INSERT INTO webhook_delivery_leases (claim_id, webhook_id, leased, locked_until)
SELECT claim_id, webhook_id, count(*), max(locked_until) FROM webhook_deliveries
WHERE status = 'pending' AND claim_id IS NOT NULL AND locked_until IS NOT NULL
GROUP BY claim_id, webhook_id;

DROP INDEX idx_webhook_deliveries_lease;

ALTER TABLE webhook_deliveries SET (fillfactor = 70);
