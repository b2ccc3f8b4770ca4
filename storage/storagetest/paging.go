package storagetest

import (
	"bytes"
	"encoding/base64"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

// key is the position of a row in a list ordered newest first: its time
// (creation, addition, last seen...) and its ID, which breaks ties.
type key struct {
	at time.Time
	id uuid.UUID
}

// pager adapts one family's list call to the paging tests.
type pager struct {
	// seed creates n rows in org and returns their keys.
	seed func(t *testing.T, b *bundle, org uuid.UUID, n int) []key
	// list returns one page of org's rows.
	list func(b *bundle, org uuid.UUID, limit int, cursor string) ([]key, string, error)
}

// pageKeys converts a page to keys, passing an error through.
func pageKeys[T any](p *storage.Page[T], err error, k func(T) key) ([]key, string, error) {
	if err != nil {
		return nil, "", err
	}
	keys := make([]key, 0, len(p.Items))
	for _, it := range p.Items {
		keys = append(keys, k(it))
	}
	return keys, p.Next, nil
}

// newestFirst sorts keys the way lists must return them.
func newestFirst(keys []key) []key {
	out := slices.Clone(keys)
	slices.SortFunc(out, func(a, b key) int {
		if c := b.at.Compare(a.at); c != 0 {
			return c
		}
		return bytes.Compare(b.id[:], a.id[:])
	})
	return out
}

func ids(keys []key) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(keys))
	for _, k := range keys {
		out = append(out, k.id)
	}
	return out
}

func pagingTests(p *pager) []test {
	return []test{
		{"PagingNewestFirstNoGapsNoDuplicates", func(t *testing.T, b *bundle) { testPaging(t, b, p, 7, []int{3, 3, 1}) }},
		{"PagingExactMultipleHasNoEmptyLastPage", func(t *testing.T, b *bundle) { testPaging(t, b, p, 6, []int{3, 3}) }},
		{"PagingEmptyList", func(t *testing.T, b *bundle) { testPaging(t, b, p, 0, []int{0}) }},
		{"PagingLimitZeroIsDefault", func(t *testing.T, b *bundle) { testPagingDefaultLimit(t, b, p) }},
		{"PagingGarbageCursorIsError", func(t *testing.T, b *bundle) { testPagingGarbageCursor(t, b, p) }},
	}
}

// testPaging seeds n rows (and noise in another organization), follows the
// cursors with limit 3 and checks page sizes and the overall order.
func testPaging(t *testing.T, b *bundle, p *pager, n int, sizes []int) {
	seeded := p.seed(t, b, b.org, n)
	require.Len(t, seeded, n)
	p.seed(t, b, b.other, 2)

	var got []key
	cursor := ""
	for i, size := range sizes {
		keys, next, err := p.list(b, b.org, 3, cursor)
		require.NoError(t, err, "page %d", i)
		require.Len(t, keys, size, "page %d", i)
		if i == len(sizes)-1 {
			require.Empty(t, next, "last page %d must have an empty Next", i)
		} else {
			require.NotEmpty(t, next, "page %d must have a Next", i)
		}
		got = append(got, keys...)
		cursor = next
	}
	require.Equal(t, ids(newestFirst(seeded)), ids(got), "rows must be newest first by (time, id), each exactly once")
	for i := range got {
		requireStamp(t, got[i].at)
	}
}

func testPagingDefaultLimit(t *testing.T, b *bundle, p *pager) {
	seeded := p.seed(t, b, b.org, storage.LimitDefault+1)
	want := ids(newestFirst(seeded))
	for _, limit := range []int{0, -1} {
		keys, next, err := p.list(b, b.org, limit, "")
		require.NoError(t, err)
		require.Len(t, keys, storage.LimitDefault, "limit %d", limit)
		require.NotEmpty(t, next, "limit %d", limit)
		require.Equal(t, want[:storage.LimitDefault], ids(keys), "limit %d", limit)

		keys, next, err = p.list(b, b.org, limit, next)
		require.NoError(t, err)
		require.Equal(t, want[storage.LimitDefault:], ids(keys), "limit %d, second page", limit)
		require.Empty(t, next)
	}
}

func testPagingGarbageCursor(t *testing.T, b *bundle, p *pager) {
	p.seed(t, b, b.org, 2)
	enc := base64.RawURLEncoding.EncodeToString
	for _, cursor := range []string{
		"garbage!!",
		enc([]byte("foobar")),
		enc([]byte("not-a-time|not-a-uuid")),
		enc([]byte("2030-01-01T00:00:00Z|not-a-uuid")),
		enc([]byte("yesterday|" + uuid.NewString())),
	} {
		var err error
		require.NotPanics(t, func() { _, _, err = p.list(b, b.org, 3, cursor) }, "cursor %q", cursor)
		require.Error(t, err, "cursor %q", cursor)
	}
}
