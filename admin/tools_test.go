package admin_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/admin"
	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/storage"
)

// tools are a host's own implementations of the admin's tool seams, on
// the Manager and the store, to show that a host may substitute the
// Manager's own (which serve when it sets none): a troubleshooter that tests the connection, a switch that
// swaps the route, a rotator that saves and tests a new credential, and a
// CSV/NDJSON exporter.
type tools struct {
	mgr   *integration.Manager
	store storage.Store
}

// Troubleshoot tests the stored settings and suggests actions.
func (t *tools) Troubleshoot(ctx context.Context, orgID, id uuid.UUID) (*admin.Diagnosis, error) {
	in, err := t.mgr.IntegrationGet(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	res, err := t.mgr.Test(ctx, &integration.TestParams{OrganizationID: orgID, ID: id})
	if err != nil {
		return nil, err
	}
	d := &admin.Diagnosis{Summary: res.Message, Actions: []admin.SuggestedAction{
		{Kind: admin.ActionStatusPage, Label: "Check " + in.ProviderName + " Status Page", Detail: "Is service up?", URL: "https://status.example.com/"},
		{Kind: admin.ActionViewLogs, Label: "View Error Logs", Detail: "Full stack traces"}}}
	if rt, err := t.mgr.Route(ctx, orgID, in.Type); err == nil && rt.Backup != nil && rt.Backup.ID != id {
		d.Actions = append(d.Actions, admin.SuggestedAction{Kind: admin.ActionSwitchBackup, Label: "Switch to Backup",
			Detail: "Use " + rt.Backup.ProviderName + " temporarily"})
	}
	if !res.OK {
		d.Pattern = "The connection test fails: " + res.Message
	}
	return d, nil
}

// SwitchToBackup makes the type's backup its primary.
func (t *tools) SwitchToBackup(ctx context.Context, orgID, id uuid.UUID) error {
	in, err := t.mgr.IntegrationGet(ctx, orgID, id)
	if err != nil {
		return err
	}
	rt, err := t.mgr.Route(ctx, orgID, in.Type)
	if err != nil {
		return err
	}
	if rt.Backup == nil || rt.Primary == nil {
		return errors.New("tools: no backup to switch to")
	}
	_, err = t.mgr.RouteSet(ctx, &integration.RouteSetParams{OrganizationID: orgID, Type: in.Type, Primary: rt.Backup.ID, Backup: rt.Primary.ID})
	return err
}

// RotateCredentials saves the new value, tested first; minting is not
// supported here.
func (t *tools) RotateCredentials(ctx context.Context, p *admin.CredentialRotation) (*integration.Integration, error) {
	if p.Value == "" {
		return nil, &integration.ValidationError{Fields: []integration.FieldError{{Field: p.Field, Message: "Enter the new credential"}}}
	}
	row, err := t.store.IntegrationGet(ctx, p.OrganizationID, p.ID)
	if err != nil {
		return nil, err
	}
	var s providers.Settings
	if err := json.Unmarshal(row.Config, &s); err != nil {
		return nil, err
	}
	s[p.Field] = p.Value
	return t.mgr.IntegrationUpdate(ctx, &integration.UpdateParams{OrganizationID: p.OrganizationID, ID: p.ID, Settings: s, TestFirst: true})
}

// LogExport writes every entry p selects.
func (t *tools) LogExport(ctx context.Context, w io.Writer, p *storage.LogListParams, format string) error {
	q := *p
	q.Limit = storage.LimitMax
	cw := csv.NewWriter(w)
	if format == "csv" {
		_ = cw.Write([]string{"time", "level", "message", "details"})
	}
	for {
		page, err := t.store.LogList(ctx, &q)
		if err != nil {
			return err
		}
		for _, e := range page.Items {
			if format == "csv" {
				_ = cw.Write([]string{e.Time.UTC().Format("2006-01-02T15:04:05Z"), string(e.Level), e.Message, string(e.Details)})
				continue
			}
			b, _ := json.Marshal(map[string]any{"time": e.Time, "level": e.Level, "message": e.Message, "details": e.Details})
			if _, err := w.Write(append(b, '\n')); err != nil {
				return err
			}
		}
		if q.Cursor = page.Next; q.Cursor == "" {
			cw.Flush()
			return cw.Error()
		}
	}
}
