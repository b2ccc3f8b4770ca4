package postgres

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

// TestInsertChunks: chunks stay within insertChunk rows and
// insertChunkBytes of payload, a row larger than that goes alone, and
// every row is in exactly one chunk, in order.
func TestInsertChunks(t *testing.T) {
	rows := func(sizes ...int) []*storage.DeliveryInsertParams {
		out := make([]*storage.DeliveryInsertParams, len(sizes))
		for i, n := range sizes {
			out[i] = &storage.DeliveryInsertParams{Payload: make([]byte, n)}
		}
		return out
	}
	lens := func(ps []*storage.DeliveryInsertParams) []int {
		var out []int
		for c := range insertChunks(ps) {
			out = append(out, len(c))
		}
		return out
	}
	big := insertChunkBytes / 3
	require.Equal(t, []int{500, 500, 1}, lens(rows(make([]int, 1001)...)), "by count")
	require.Equal(t, []int{3, 3, 1}, lens(rows(big, big, big, big, big, big, big)), "by bytes")
	require.Equal(t, []int{1, 1, 2}, lens(rows(10, insertChunkBytes+1, 10, 10)), "an oversized row alone")
	require.Empty(t, lens(nil))
}
