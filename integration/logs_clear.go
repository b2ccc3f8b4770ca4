package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// LogClear deletes every log entry of an integration (the logs screen's
// "Clear", an explicit admin action) and then logs the clearing on the
// same integration, at INFO: "Logs cleared by <actor> (N entries)", with
// the actor and the count in its details. It returns how many entries it
// deleted. actor names who cleared them (the admin's name or email) and is
// required; another organization's integration is storage.ErrNotFound.
// Entries the recorder still holds for the integration (at most
// Config.RecordInterval old) may be written after the clearing.
func (m *Manager) LogClear(ctx context.Context, orgID, integrationID uuid.UUID, actor string) (int, error) {
	actor = strings.TrimSpace(actor)
	if actor == "" {
		return 0, fmt.Errorf("integration: LogClear needs the actor who clears the logs, to log it")
	}
	if _, err := m.store.IntegrationGet(ctx, orgID, integrationID); err != nil {
		return 0, err
	}
	n, err := m.store.LogDeleteIntegration(ctx, orgID, integrationID)
	if err != nil {
		return 0, fmt.Errorf("integration: clear logs: %w", err)
	}
	e := &LogEntry{OrganizationID: orgID, IntegrationID: integrationID, Level: storage.LogInfo,
		Message: fmt.Sprintf("Logs cleared by %s (%s)", actor, countOf(int64(n), "entry", "entries")),
		Details: map[string]any{"action": "clear_logs", "actor": actor, "deleted": n}, Time: m.now()}
	if err := m.store.LogInsert(ctx, []*storage.LogInsertParams{insertParams(e)}); err != nil {
		return n, fmt.Errorf("integration: log the clearing of %d entries: %w", n, err)
	}
	return n, nil
}

// insertParams is e as the store writes it, now rather than batched.
func insertParams(e *LogEntry) *storage.LogInsertParams {
	details, _ := json.Marshal(e.Details)
	return &storage.LogInsertParams{OrganizationID: e.OrganizationID, IntegrationID: e.IntegrationID, Level: e.Level,
		Message: e.Message, Details: details, Time: e.Time}
}

// countOf writes "1 entry", "2 entries".
func countOf(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
