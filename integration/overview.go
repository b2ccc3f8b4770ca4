package integration

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// Overview is the dashboard's health overview (§3, ADMIN-INT-001): the
// counts by status with their share of the total, and every integration
// with its provider, status and last sync.
type Overview struct {
	Total, Active, Errors, Disabled, Inactive int
	// The percentages of Total, rounded to whole percents ("16 (89%)").
	ActivePercent, ErrorsPercent, DisabledPercent, InactivePercent int
	// Integrations are in the dashboard's order: errors first, then
	// active, inactive and disabled; within a status, in catalog order.
	Integrations []OverviewItem
	// Unconfigured are the catalog's types the organization has no
	// integration of, in catalog order, with their providers.
	Unconfigured []CatalogType
	// At is when the overview was read.
	At time.Time
}

// OverviewItem is one row of the dashboard's list.
type OverviewItem struct {
	ID       uuid.UUID
	Name     string
	Type     string
	TypeName string
	// ProviderName is the provider's display name ("SendGrid").
	Provider     string
	ProviderName string
	Status       storage.IntegrationStatus
	// StatusLabel reads "ERROR (Last 15 minutes)".
	StatusLabel  string
	ErrorMessage string
	LastSync     *time.Time
	// LastSyncLabel reads "2 min ago (failed)", "Never".
	LastSyncLabel   string
	LastSyncError   string
	LastHealthCheck *time.Time
}

// Overview returns the organization's health overview.
func (m *Manager) Overview(ctx context.Context, orgID uuid.UUID) (*Overview, error) {
	hs, err := m.healthList(ctx, orgID, "")
	if err != nil {
		return nil, err
	}
	cat, err := m.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	now := m.cfg.Clock()
	o := &Overview{Total: len(hs), At: now}
	configured := map[string]bool{}
	for _, h := range hs {
		configured[h.Type] = true
		o.count(h.Status)
		o.Integrations = append(o.Integrations, m.overviewItem(ctx, h, now))
	}
	o.ActivePercent, o.ErrorsPercent = percent(o.Active, o.Total), percent(o.Errors, o.Total)
	o.DisabledPercent, o.InactivePercent = percent(o.Disabled, o.Total), percent(o.Inactive, o.Total)
	order := map[string]int{}
	for i, ct := range cat {
		order[ct.Entry.Key] = i
		if !configured[ct.Entry.Key] {
			o.Unconfigured = append(o.Unconfigured, ct)
		}
	}
	slices.SortStableFunc(o.Integrations, func(a, b OverviewItem) int {
		if c := statusRank(a.Status) - statusRank(b.Status); c != 0 {
			return c
		}
		if c := order[a.Type] - order[b.Type]; c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return o, nil
}

func (o *Overview) count(s storage.IntegrationStatus) {
	switch s {
	case storage.IntegrationActive:
		o.Active++
	case storage.IntegrationError:
		o.Errors++
	case storage.IntegrationDisabled:
		o.Disabled++
	default:
		o.Inactive++
	}
}

func statusRank(s storage.IntegrationStatus) int {
	return map[storage.IntegrationStatus]int{storage.IntegrationError: 0, storage.IntegrationActive: 1,
		storage.IntegrationInactive: 2, storage.IntegrationDisabled: 3}[s]
}

// percent is n of total in whole percents, rounded half up; 0 of 0 is 0.
func percent(n, total int) int {
	if total == 0 {
		return 0
	}
	return (200*n + total) / (2 * total)
}

func (m *Manager) overviewItem(ctx context.Context, h *storage.IntegrationHealth, now time.Time) OverviewItem {
	it := OverviewItem{ID: h.ID, Name: h.Name, Type: h.Type, TypeName: h.Type, Provider: h.Provider,
		ProviderName: h.Provider, Status: h.Status, StatusLabel: StatusLabel(h.Status, h.StatusChangedAt, now),
		ErrorMessage: h.ErrorMessage, LastSync: h.LastSync, LastSyncError: h.LastSyncError,
		LastSyncLabel: LastSyncLabel(h.LastSync, h.LastSyncError != "", now), LastHealthCheck: h.LastHealthCheck}
	if e, ok := m.catalog.Entry(h.Type); ok {
		it.TypeName = e.Name
	}
	if _, info, err := m.reg.provider(ctx, h.Provider); err == nil && info.DisplayName != "" {
		it.ProviderName = info.DisplayName
	}
	return it
}

// LastSyncLabel reads as the dashboard's last sync column: "30 sec ago",
// "2 min ago (failed)", "1 hour ago", "Never".
func LastSyncLabel(at *time.Time, failed bool, now time.Time) string {
	if at == nil {
		return "Never"
	}
	d := max(now.Sub(*at), 0)
	var s string
	switch {
	case d < time.Minute:
		s = fmt.Sprintf("%d sec ago", int(d/time.Second))
	case d < time.Hour:
		s = fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 24*time.Hour:
		s = plural(int(d/time.Hour), "hour") + " ago"
	default:
		s = plural(int(d/(24*time.Hour)), "day") + " ago"
	}
	if failed {
		s += " (failed)"
	}
	return s
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
