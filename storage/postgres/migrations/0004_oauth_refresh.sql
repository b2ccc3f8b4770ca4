-- oauth_tokens: proactive refreshes as claimable rows. A refresher leases the
-- token sets that expire soon (refresh_locked_until), so that several hosts
-- share the work without a leader.
ALTER TABLE oauth_tokens ADD COLUMN refresh_locked_until TIMESTAMPTZ;
CREATE INDEX idx_oauth_tokens_expires ON oauth_tokens(expires_at) WHERE refresh_token IS NOT NULL;
