-- Package integration/alerts: the notifications of each alert, one per
-- alert, notifier, kind and rule window (the unique key every host shares),
-- claimed with a lease (next_attempt_at moved ahead, claim_id the fence)
-- under FOR UPDATE SKIP LOCKED, and each organization's notification
-- targets.

CREATE TABLE alert_notifications (
  id UUID PRIMARY KEY,
  organization_id UUID NOT NULL,
  alert_id UUID NOT NULL REFERENCES integration_alerts(id) ON DELETE CASCADE,
  notifier VARCHAR(50) NOT NULL,
  kind VARCHAR(20) NOT NULL CHECK (kind IN ('raised', 'reminder', 'resolved')),
  window_no INTEGER NOT NULL DEFAULT 0,
  status VARCHAR(20) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'skipped', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TIMESTAMPTZ NOT NULL,
  claim_id UUID,
  last_error TEXT NOT NULL DEFAULT '',
  sent_at TIMESTAMPTZ,
  created_at TIMESTAMPTZ NOT NULL,
  UNIQUE (alert_id, notifier, kind, window_no)
);
CREATE INDEX idx_alert_notifications_due ON alert_notifications(next_attempt_at) WHERE status = 'pending';

CREATE TABLE alert_settings (
  organization_id UUID PRIMARY KEY,
  email_to TEXT[] NOT NULL DEFAULT '{}',
  slack BOOLEAN NOT NULL DEFAULT FALSE,
  slack_channel TEXT NOT NULL DEFAULT '',
  min_severity VARCHAR(20) NOT NULL DEFAULT '',
  updated_at TIMESTAMPTZ NOT NULL
);
