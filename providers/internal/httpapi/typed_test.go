package httpapi_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// note is a typed package's payload.
type note struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

func (n *note) Validate() error {
	if n.Text == "" {
		return httpapi.Invalid("notes", "note.put", "text is required")
	}
	return nil
}

type receipt struct{ ID, Text string }

// noter is the package's handler interface.
type noter interface {
	Put(ctx context.Context, n *note) (*receipt, error)
	Touch(ctx context.Context, n *note) (*receipt, error)
}

type noteBook struct{ fail error }

func (b noteBook) Put(_ context.Context, n *note) (*receipt, error) {
	return &receipt{n.ID, n.Text}, b.fail
}
func (b noteBook) Touch(_ context.Context, n *note) (*receipt, error) {
	return &receipt{"touched " + n.ID, n.Text}, b.fail
}

var notes = httpapi.NewOps("notes",
	httpapi.Typed("note.put", noter.Put, func(op *providers.Operation, n *note) { httpapi.KeyAsID(op, &n.ID) }),
	httpapi.Typed("note.touch", noter.Touch, nil))

// TestOps: each operation runs its method with the decoded, completed and
// validated payload; anything else is unknown.
func TestOps(t *testing.T) {
	t.Parallel()
	names := notes.Names()
	require.Equal(t, []string{"note.put", "note.touch"}, names)
	names[0] = "x"
	require.Equal(t, "note.put", notes.Names()[0], "a new slice each call")
	require.True(t, notes.Has("note.touch"))
	require.False(t, notes.Has("note.delete"))

	do := func(h noter, op *providers.Operation) (*receipt, error) {
		res, err := notes.Handle(t.Context(), op, h)
		if err != nil {
			return nil, err
		}
		return httpapi.Decode[receipt]("test", op.Name, res.Payload)
	}
	r, err := do(noteBook{}, &providers.Operation{Name: "note.put", Payload: []byte(`{"text":"a"}`), IdempotencyKey: "k-1"})
	require.NoError(t, err)
	require.Equal(t, &receipt{"k-1", "a"}, r, "an empty ID takes the key")
	r, err = do(noteBook{}, &providers.Operation{Name: "note.put", Payload: []byte(`{"id":"n-1","text":"a"}`), IdempotencyKey: "k-1"})
	require.NoError(t, err)
	require.Equal(t, &receipt{"n-1", "a"}, r, "a chosen ID stays")
	r, err = do(noteBook{}, &providers.Operation{Name: "note.touch", Payload: []byte(`{"text":"b"}`), IdempotencyKey: "k-2"})
	require.NoError(t, err)
	require.Equal(t, &receipt{"touched ", "b"}, r, "no fill for touch")

	_, err = do(noteBook{}, &providers.Operation{Name: "note.put", Payload: []byte(`{}`)})
	require.EqualError(t, err, "providers: invalid_input: notes: note.put: text is required")
	_, err = do(noteBook{}, &providers.Operation{Name: "note.put", Payload: []byte(`[`)})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
	require.ErrorContains(t, err, "notes: note.put: decode payload")
	boom := errors.New("boom")
	_, err = do(noteBook{fail: boom}, &providers.Operation{Name: "note.put", Payload: []byte(`{"text":"a"}`)})
	require.ErrorIs(t, err, boom)
	for _, op := range []*providers.Operation{nil, {Name: "note.delete"}} {
		_, err = notes.Handle(t.Context(), op, noteBook{})
		require.ErrorIs(t, err, providers.ErrUnsupported)
	}
}
