-- The due scan per webhook, in claim order, for claims with a per-webhook
-- limit (DeliveryClaimParams.PerWebhookLimit): each active webhook offers
-- its oldest due rows from this index instead of the claim ranking every
-- pending row of the backlog. PostgreSQL has had the same index since 0003.
CREATE INDEX idx_webhook_deliveries_webhook_due ON webhook_deliveries(webhook_id, next_retry_at, created_at, id)
  WHERE status = 'pending';
