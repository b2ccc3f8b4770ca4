package integration_test

import (
	"context"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
)

// TestSwitchToBackup: the admin's "Switch to Backup" moves the type's calls
// to the backup, reported as a manual switch; a route built again keeps
// it; SwitchToPrimary moves them back, reported too.
func TestSwitchToBackup(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, open opener) {
		e := setup(t, open, nil)
		var mu sync.Mutex
		var switches []*integration.FailoverSwitch
		defer e.mgr.Subscribe(&integration.Hooks{Switch: func(_ context.Context, s *integration.FailoverSwitch) {
			mu.Lock()
			switches = append(switches, s)
			mu.Unlock()
		}})()
		primary := e.create(t, &integration.CreateParams{Settings: probeSettings(uuid.NewString())})
		backup := e.create(t, &integration.CreateParams{Settings: probeSettings(uuid.NewString())})
		var nb *integration.NoBackupError
		require.ErrorAs(t, e.mgr.SwitchToBackup(e.ctx, e.org, primary.ID), &nb)
		_, err := e.mgr.BackupSet(e.ctx, e.org, "probe", backup.ID)
		require.NoError(t, err)

		require.NoError(t, e.mgr.SwitchToBackup(e.ctx, e.org, primary.ID))
		require.Len(t, switches, 1)
		require.True(t, switches[0].Manual)
		require.Equal(t, primary.ID, switches[0].FromID)
		require.Equal(t, backup.ID, switches[0].ToID)
		_, err = e.mgr.Dispatch(e.ctx, e.org, "probe", echoOp("one"))
		require.NoError(t, err)

		// A change drops the organization's routes: the one built again
		// keeps the switch, without reporting it twice.
		_, err = e.mgr.IntegrationUpdate(e.ctx, &integration.UpdateParams{OrganizationID: e.org, ID: backup.ID, Name: ptr("Backup")})
		require.NoError(t, err)
		_, err = e.mgr.Dispatch(e.ctx, e.org, "probe", echoOp("two"))
		require.NoError(t, err)
		serving, err := e.mgr.Serving(e.ctx, e.org, "probe")
		require.NoError(t, err)
		require.Equal(t, "Probe probe (2)", serving)
		require.Len(t, switches, 1)

		require.NoError(t, e.mgr.SwitchToPrimary(e.ctx, e.org, primary.ID))
		require.Len(t, switches, 2)
		require.True(t, switches[1].Manual)
		require.Equal(t, primary.ID, switches[1].ToID)
		_, err = e.mgr.Dispatch(e.ctx, e.org, "probe", echoOp("three"))
		require.NoError(t, err)

		e.flush(t)
		served := func(id uuid.UUID) (n int) {
			for _, l := range e.callLogs(t, id) {
				if details(t, l)["operation"] == "probe.echo" {
					n++
				}
			}
			return n
		}
		require.Equal(t, 2, served(backup.ID))
		require.Equal(t, 1, served(primary.ID))
		var manual int
		for _, l := range e.logs(t, primary.ID) {
			if details(t, l)["manual"] == true {
				manual++
			}
		}
		require.Equal(t, 2, manual, "both switches are in the primary's log")
	})
}
