package integration_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/adp"
)

// payrollProbe answers ADP's payroll.export contract with a fixed run.
type payrollProbe struct{ *probe }

func (p payrollProbe) Info(ctx context.Context) (*providers.Info, error) {
	info, err := p.probe.Info(ctx)
	if err == nil {
		info.Capabilities = append(info.Capabilities, adp.OpPayrollExport)
	}
	return info, err
}

func (p payrollProbe) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	if op.Name != adp.OpPayrollExport {
		return p.probe.Do(ctx, s, op)
	}
	var in adp.PayrollExportParams
	if err := json.Unmarshal(op.Payload, &in); err != nil || in.Format != adp.FormatCSV {
		return nil, providers.InvalidInput(err)
	}
	b, _ := json.Marshal(adp.PayrollExportResult{CSV: "associateOid,payDate\nG3-1,2031-05-01\n"})
	return &providers.Result{Payload: b}, nil
}

// TestPayrollExportCSV: the payroll fallback reaches the payroll
// integration's export through the Manager and writes its CSV.
func TestPayrollExportCSV(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, &envOpts{providers: map[string]providers.Provider{
			"payrollprobe": payrollProbe{newProbe("payrollprobe", integration.TypePayroll)}}})
		e.create(t, &integration.CreateParams{Type: integration.TypePayroll, Provider: "payrollprobe",
			Settings: probeSettings(uuid.NewString())})
		var b strings.Builder
		require.NoError(t, e.mgr.PayrollExportCSV(e.ctx, e.org, &b, nil))
		require.Equal(t, "associateOid,payDate\nG3-1,2031-05-01\n", b.String())
	})
}
