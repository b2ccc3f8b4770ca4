// Package testkit holds the test helpers the shipped providers' tests
// share: operations from typed payloads, results decoded, settings
// varied, the table of settings validation, the conformance test in
// process and as a plugin, a provider closed with its test, and the
// request recording of fake services (see [Recorder]).
package testkit

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/providertest"
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

// FieldCase is a field of good settings set to a value, and the message
// expected on that field, the only one. It is an alias of an unnamed
// struct so that tables can list cases without field names.
type FieldCase = struct {
	Name, Field, Value, Msg string
}

// ValidateEach checks that p accepts good and, in parallel subtests, that
// good with each case's field set to its value is refused with exactly
// that field's message.
func ValidateEach(t *testing.T, p providers.Provider, good providers.Settings, cases []FieldCase) {
	require.NoError(t, p.Validate(t.Context(), good))
	for _, tt := range cases {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			var ve *providers.ValidationError
			require.ErrorAs(t, p.Validate(t.Context(), With(good, tt.Field, tt.Value)), &ve)
			require.Equal(t, []providers.FieldError{{Field: tt.Field, Message: tt.Msg}}, ve.Fields)
		})
	}
}

// MessageCase is an operation that fails, with the settings it fails
// with, the message administrators see for it (providers.UserMessage, the
// spec's wording) and the Retry-After wait it carries. It is an alias of
// an unnamed struct so that tables can list cases without field names.
type MessageCase = struct {
	Name     string
	Settings providers.Settings
	Op       *providers.Operation
	Msg      string
	After    time.Duration
}

// UserMessages runs each case on p in a subtest: the operation fails with
// the case's user message for the provider named display and its
// Retry-After wait, and none of secrets shows in the error.
func UserMessages(t *testing.T, p providers.Provider, display string, cases []MessageCase, secrets ...string) {
	for _, tt := range cases {
		t.Run(tt.Name, func(t *testing.T) {
			_, err := p.Do(t.Context(), tt.Settings, tt.Op)
			require.Equal(t, tt.Msg, providers.UserMessage(err, display), "%v", err)
			require.Equal(t, tt.After, providers.AsError(err).RetryAfter)
			for _, s := range secrets {
				require.NotContains(t, err.Error(), s)
			}
		})
	}
}

// Conformance runs [providertest.Exercise] on p in process and on the
// plugin that plugin starts (the test binary re-executed as the provider,
// see [providertest.Plugin]), each with the suite that suite returns for
// its subtest (a suite whose fake keeps state builds a fresh one).
func Conformance(t *testing.T, p providers.Provider, plugin func(testing.TB) providers.Provider,
	suite func(t *testing.T) *providertest.Suite) {
	t.Helper()
	t.Run("in process", func(t *testing.T) { providertest.Exercise(t, p, suite(t)) })
	t.Run("plugin", func(t *testing.T) { providertest.Exercise(t, plugin(t), suite(t)) })
}

// Closing closes p when t ends and returns it: a provider made for one
// test.
func Closing[P interface{ Close() error }](t testing.TB, p P) P {
	t.Cleanup(func() { _ = p.Close() })
	return p
}
