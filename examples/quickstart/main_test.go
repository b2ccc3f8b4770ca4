package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/secret"
)

func TestRunCreatesAndMasks(t *testing.T) {
	k, err := secret.GenerateKey("k1")
	require.NoError(t, err)
	t.Setenv("INTIME_SECRET_KEY", k.Encode())
	var out bytes.Buffer
	db := filepath.Join(t.TempDir(), "intime.db")
	require.NoError(t, run(context.Background(), []string{"-db", db}, &out))
	require.Contains(t, out.String(), "opened and migrated "+db)
	require.Contains(t, out.String(), "status=inactive")
	require.Contains(t, out.String(), "status=pending")
	require.NotContains(t, out.String(), "3q2+7wQ7yG0aZp1bX9cKdLmNoPqRsTuV", "the webhook secret is masked")
}

func TestRunWithoutKeyFails(t *testing.T) {
	t.Setenv("INTIME_SECRET_KEY", "")
	err := run(context.Background(), []string{"-db", filepath.Join(t.TempDir(), "x.db")}, &bytes.Buffer{})
	require.ErrorContains(t, err, "INTIME_SECRET_KEY")
}
