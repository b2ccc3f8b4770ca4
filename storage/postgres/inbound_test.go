package postgres_test

import (
	"testing"

	"github.com/intimeos/integrations/storage/storagetest"
)

func TestInboundAtRest(t *testing.T) {
	t.Parallel()
	storagetest.ExerciseInboundAtRest(t, database)
}
