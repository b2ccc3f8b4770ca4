// Package testkit holds the test helpers the HTTP API providers' tests
// share: operations from typed payloads, results decoded, settings
// varied, and the table of settings validation.
package testkit

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
)

// Op returns operation name with payload encoded as JSON.
func Op(name string, payload any) *providers.Operation {
	b, err := json.Marshal(payload)
	if err != nil {
		panic(err)
	}
	return &providers.Operation{Name: name, Payload: b}
}

// Decode decodes a result's payload into a T.
func Decode[T any](t testing.TB, r *providers.Result) *T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(r.Payload, &v))
	return &v
}

// With returns a copy of s with the key/value pairs kv set.
func With(s providers.Settings, kv ...string) providers.Settings {
	out := providers.Settings{}
	for k, v := range s {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// ValidateCase is settings and the message expected on one field ("" for
// valid settings). It is an alias of an unnamed struct so that tables can
// list cases without field names.
type ValidateCase = struct {
	Name        string
	Settings    providers.Settings
	Field, Want string
}

// Validate runs p.Validate on each case in parallel subtests.
func Validate(t *testing.T, p providers.Provider, cases []ValidateCase) {
	for _, tt := range cases {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			err := p.Validate(t.Context(), tt.Settings)
			if tt.Field == "" {
				require.NoError(t, err)
				return
			}
			var ve *providers.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tt.Want, ve.Field(tt.Field))
			require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
		})
	}
}
