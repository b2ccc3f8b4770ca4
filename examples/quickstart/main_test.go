package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/secret"
)

func TestRunSendsThroughTheManager(t *testing.T) {
	k, err := secret.GenerateKey("k1")
	require.NoError(t, err)
	t.Setenv("INTIME_SECRET_KEY", k.Encode())
	var out bytes.Buffer
	db := filepath.Join(t.TempDir(), "intime.db")
	require.NoError(t, run(context.Background(), []string{"-db", db}, &out))
	got := out.String()
	require.Contains(t, got, "opened and migrated "+db)
	require.Contains(t, got, "Transactional email (SendGrid) status=active apiKey=••••••••-key")
	require.Contains(t, got, `local SendGrid stand-in received: to=candidate@example.com subject="Interview Invitation"`)
	require.Contains(t, got, "sent through the Manager: message quickstart-1")
	require.Contains(t, got, "overview: total 1, active 1 (100%), errors 0, disabled 0")
	require.Contains(t, got, "log [info] Email sent successfully")
	require.Contains(t, got, `"message_id":"quickstart-1"`)
	require.Contains(t, got, "status=pending")
	require.NotContains(t, got, sinkKey, "the API key is masked")
	require.NotContains(t, got, "3q2+7wQ7yG0aZp1bX9cKdLmNoPqRsTuV", "the webhook secret is masked")
}

func TestRunWithoutKeyFails(t *testing.T) {
	t.Setenv("INTIME_SECRET_KEY", "")
	err := run(context.Background(), []string{"-db", filepath.Join(t.TempDir(), "x.db")}, &bytes.Buffer{})
	require.ErrorContains(t, err, "INTIME_SECRET_KEY")
}
