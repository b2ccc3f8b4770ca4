package admin

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/integration"
)

// The Manager's own tools (troubleshooting, switch to backup, credential
// rotation, log export) serve the admin's optional seams when the host
// leaves them nil: [Config.WithDefaults] adapts them from
// Config.Integrations, as it does RetryDefaults.

// managerTroubleshooter is [*integration.Manager]'s troubleshooter.
type managerTroubleshooter interface {
	Troubleshoot(ctx context.Context, orgID, id uuid.UUID) (*integration.Diagnosis, error)
}

// managerRotator is [*integration.Manager]'s credential rotation.
type managerRotator interface {
	RotateCredentials(ctx context.Context, p *integration.RotateParams) (*integration.Integration, error)
}

// The Manager implements every tool the adapters need.
var (
	_ managerTroubleshooter = (*integration.Manager)(nil)
	_ managerRotator        = (*integration.Manager)(nil)
	_ BackupSwitcher        = (*integration.Manager)(nil)
	_ LogExporter           = (*integration.Manager)(nil)
	_ LogClearer            = (*integration.Manager)(nil)
	_ ManualModes           = (*integration.Manager)(nil)
)

// troubleshooterOf adapts the Manager's troubleshooter to the admin's
// seam.
type troubleshooterOf struct{ m managerTroubleshooter }

// Troubleshoot runs the Manager's and turns its diagnosis into the admin's.
func (t troubleshooterOf) Troubleshoot(ctx context.Context, orgID, id uuid.UUID) (*Diagnosis, error) {
	d, err := t.m.Troubleshoot(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	return diagnosisOf(d), nil
}

func diagnosisOf(d *integration.Diagnosis) *Diagnosis {
	out := &Diagnosis{Summary: d.Summary, Pattern: d.Pattern, Actions: make([]SuggestedAction, 0, len(d.Actions))}
	for _, a := range d.Actions {
		out.Actions = append(out.Actions, SuggestedAction{Kind: a.Kind, Label: a.Label, Detail: a.Detail, URL: a.URL})
	}
	if c := d.Certificate; c != nil {
		out.Certificate = &Certificate{Endpoint: c.Endpoint, Subject: c.Subject, Issuer: c.Issuer, NotAfter: c.NotAfter}
	}
	return out
}

// rotatorOf adapts the Manager's credential rotation to the admin's seam.
type rotatorOf struct{ m managerRotator }

// RotateCredentials rotates through the Manager, naming the admin who did.
func (r rotatorOf) RotateCredentials(ctx context.Context, p *CredentialRotation) (*integration.Integration, error) {
	return r.m.RotateCredentials(ctx, &integration.RotateParams{OrganizationID: p.OrganizationID, ID: p.ID,
		Field: p.Field, Value: p.Value, Actor: p.Actor})
}

// toolsFrom fills the nil tool seams of c from its Integrations.
func (c *Config) toolsFrom() {
	if c.Troubleshooter == nil {
		if t, ok := c.Integrations.(managerTroubleshooter); ok {
			c.Troubleshooter = troubleshooterOf{t}
		}
	}
	if c.Backups == nil {
		if b, ok := c.Integrations.(BackupSwitcher); ok {
			c.Backups = b
		}
	}
	if c.Credentials == nil {
		if r, ok := c.Integrations.(managerRotator); ok {
			c.Credentials = rotatorOf{r}
		}
	}
	if c.LogExport == nil {
		if l, ok := c.Integrations.(LogExporter); ok {
			c.LogExport = l
		}
	}
	if c.LogClear == nil {
		if l, ok := c.Integrations.(LogClearer); ok {
			c.LogClear = l
		}
	}
	if c.Manual == nil {
		if mm, ok := c.Integrations.(ManualModes); ok {
			c.Manual = mm
		}
	}
}

// Certificate is the endpoint's TLS certificate a diagnosis read.
type Certificate struct {
	Endpoint string    `json:"endpoint"`
	Subject  string    `json:"subject,omitempty"`
	Issuer   string    `json:"issuer,omitempty"`
	NotAfter time.Time `json:"notAfter"`
}
