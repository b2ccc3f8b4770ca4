-- Deleting a webhook deletes its dead letters in the same statement, as it
-- deletes its deliveries. WebhookDelete used to clear the entries and then
-- delete the webhook; a dead letter committed between the two made the
-- delete fail on webhook_dlq_webhook_id_fkey, a raw error for the admin.
ALTER TABLE webhook_dlq
  DROP CONSTRAINT IF EXISTS webhook_dlq_webhook_id_fkey,
  ADD CONSTRAINT webhook_dlq_webhook_id_fkey FOREIGN KEY (webhook_id) REFERENCES webhooks(id) ON DELETE CASCADE,
  DROP CONSTRAINT IF EXISTS webhook_dlq_delivery_id_fkey,
  ADD CONSTRAINT webhook_dlq_delivery_id_fkey FOREIGN KEY (delivery_id) REFERENCES webhook_deliveries(id) ON DELETE CASCADE;
