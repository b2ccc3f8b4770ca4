package integration

import (
	"time"

	"github.com/intimeos/integrations/storage"
)

// LogSummaryDetails exposes the daily summary's details to the tests.
func LogSummaryDetails(typ string, calls, failed int64) map[string]any {
	return summaryEntry(&storage.LogDayCalls{Type: typ, Calls: calls, Errors: failed}, time.Time{}, time.Time{}).Details
}
