package oidc

import (
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// TestDirectoryEvicts: beyond MaxIssuers the least recently used issuer is
// dropped, never the one in hand.
func TestDirectoryEvicts(t *testing.T) {
	t.Parallel()
	d := newDirectory(httpapi.NewClient(Name, nil, nil, nil), MetadataTTLDefault, KeyRefetchMinDefault, 2)
	for _, iss := range []string{"https://a", "https://b", "https://a", "https://c"} {
		require.Equal(t, iss, d.entry(iss).issuer)
	}
	require.Equal(t, []string{"https://a", "https://c"}, slices.Sorted(maps.Keys(d.entries)))
}
