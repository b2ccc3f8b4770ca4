package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
)

// TestJSONBCheckAgreesWithPostgreSQL checks the checker: for JSON near
// every edge of what jsonb holds (numeric's range, \u0000, surrogates), a
// store refuses log details exactly when PostgreSQL's own jsonb input
// refuses the text, and refuses it with storage.ErrInvalid, not a database
// error.
func TestJSONBCheckAgreesWithPostgreSQL(t *testing.T) {
	t.Parallel()
	ring, err := newRing()
	require.NoError(t, err)
	_, dsn := pgtest.Schema(t)
	s := newStore(t, dsn, ring)
	ctx := context.Background()
	org := uuid.New()
	taken, refused := 0, 0
	for _, doc := range jsonbCases() {
		_, dbErr := s.Pool().Exec(ctx, `SELECT $1::text::jsonb`, doc)
		err := s.LogInsert(ctx, []*storage.LogInsertParams{{OrganizationID: org, IntegrationID: uuid.New(),
			Level: storage.LogInfo, Message: "m", Details: json.RawMessage(doc)}})
		if dbErr == nil {
			taken++
			require.NoError(t, err, "jsonb takes %.80s", doc)
			continue
		}
		refused++
		require.ErrorIs(t, err, storage.ErrInvalid, "jsonb refuses %.80s: %v", doc, dbErr)
	}
	require.Greater(t, taken, 50, "cases on both sides of the edges")
	require.Greater(t, refused, 50, "cases on both sides of the edges")
}

// jsonbCases are documents at and around the edges, fixed and random.
func jsonbCases() []string {
	out := []string{
		`1e131071`, `1e131072`, `9.99e131071`, `10e131070`, `10e131071`, `0.001e131074`, `0.001e131075`,
		`1e-16383`, `1e-16384`, `1.0e-16383`, `100e-16383`, `100e-16384`, `0e-16383`, `0e-16384`, `-0.0e-16382`,
		`0e1073741822`, `0e1073741823`, `0e-1073741822`, `1e-1073741823`, `0E+5`, `-1E+131071`, `123456789e131063`,
		`123456789e131064`, `0.0000`, `"\u0000"`, `"\\u0000"`, `"\\\u0000"`, `"\ud800"`, `"\udbff\udfff"`,
		`"\udc00"`, `"\ud800\u0041"`, `"\ud800x"`, `"\uD83D\uDE00"`, `["\ud83d", 1]`, `{"\u0000": 1}`,
		`"` + strings.Repeat("9", 100) + `"`, strings.Repeat("9", 131072), strings.Repeat("9", 131073),
		"0." + strings.Repeat("1", 16383), "0." + strings.Repeat("1", 16384),
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		intPart := "0"
		if r.IntN(3) > 0 {
			intPart = fmt.Sprint(1 + r.IntN(999))
		}
		frac := strings.Repeat("0", r.IntN(6)) + fmt.Sprint(r.IntN(100))
		exps := []int{131071, 131072, 131070, -16383, -16382, -16384, -16380, 131068}
		exp := exps[r.IntN(len(exps))] + r.IntN(9) - 4
		out = append(out, fmt.Sprintf(`{"n":%s.%se%d}`, intPart, frac, exp))
	}
	return out
}
