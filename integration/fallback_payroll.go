package integration

import (
	"context"
	"errors"
	"io"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/providers/adp"
)

// PayrollExportCSV writes an organization's latest pay run as CSV (one row
// per pay statement, with a header line), §9's payroll fallback: upload it
// to the payroll provider by hand while the API integration fails. It runs
// the payroll integration's export operation (ADP's payroll.export, or any
// provider's of the same contract) through the call path; p selects the
// workers and pay dates (nil: every worker's latest).
func (m *Manager) PayrollExportCSV(ctx context.Context, orgID uuid.UUID, w io.Writer, p *adp.PayrollExportParams) error {
	in := adp.PayrollExportParams{}
	if p != nil {
		in = *p
	}
	in.Format = adp.FormatCSV
	res, err := adp.PayrollExport(ctx, Caller(m, orgID, TypePayroll), &in)
	if err != nil {
		return err
	}
	if res.CSV == "" {
		return errors.New("integration: the payroll provider returned no CSV; it may not support the CSV export")
	}
	_, err = io.WriteString(w, res.CSV)
	return err
}
