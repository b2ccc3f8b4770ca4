package manifest_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/manifest"
)

var errBad = errors.New("bad settings")

func parse(s providers.Settings) (string, error) {
	if s["k"] == "" {
		return "", errBad
	}
	return s["k"], nil
}

var spec = manifest.Spec{Name: "svc", DisplayName: "Service", Version: "1.2.3", Types: []string{"sms"},
	Fields:       func() []providers.Field { return []providers.Field{{Name: "k", Required: true}} },
	Capabilities: []string{"sms.send", providers.CapabilityWebhook}, Validate: manifest.Parses(parse)}

// TestBase: Info says what the Spec says, in slices a caller may change
// without changing the next answer; Validate is the parser's verdict; the
// rest answers as UnimplementedProvider.
func TestBase(t *testing.T) {
	t.Parallel()
	p := struct{ manifest.Base }{manifest.New(&spec)}
	var _ providers.Provider = p
	info, err := p.Info(t.Context())
	require.NoError(t, err)
	require.Equal(t, &providers.Info{Name: "svc", DisplayName: "Service", Types: []string{"sms"}, Version: "1.2.3",
		Fields: []providers.Field{{Name: "k", Required: true}}, Capabilities: []string{"sms.send", "webhook"}}, info)
	info.Types[0], info.Capabilities[0] = "x", "y"
	again, err := p.Info(t.Context())
	require.NoError(t, err)
	require.Equal(t, []string{"sms"}, again.Types)
	require.Equal(t, "sms.send", again.Capabilities[0])

	require.NoError(t, p.Validate(t.Context(), providers.Settings{"k": "v"}))
	require.ErrorIs(t, p.Validate(t.Context(), providers.Settings{}), errBad)

	_, err = p.Do(t.Context(), nil, &providers.Operation{Name: "sms.send"})
	require.ErrorIs(t, err, providers.ErrUnsupported)
	_, err = p.Check(t.Context(), nil)
	require.ErrorIs(t, err, providers.ErrUnsupported)
}
