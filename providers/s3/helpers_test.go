package s3_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/providertest"
	"github.com/intimeos/integrations/providers/s3"
	"github.com/intimeos/integrations/providers/s3/s3test"
)

// setup returns a running S3-compatible server and an in-process provider.
func setup(t *testing.T, cfg *s3test.Config) (*s3test.Server, *s3.Provider) {
	t.Helper()
	srv := s3test.New(t, cfg)
	p := s3.New(nil)
	t.Cleanup(func() { _ = p.Close() })
	return srv, p
}

// settings are valid settings for srv signed with accessKey.
func settings(srv *s3test.Server, accessKey string) providers.Settings {
	return providers.Settings{
		s3.FieldBucket:          s3test.Bucket,
		s3.FieldRegion:          s3test.Region,
		s3.FieldAccessKeyID:     accessKey,
		s3.FieldSecretAccessKey: s3test.SecretKey,
		s3.FieldEndpoint:        srv.URL,
		s3.FieldURLStyle:        s3.URLStylePath,
	}
}

// with returns a copy of s with the given fields changed.
func with(s providers.Settings, kv ...string) providers.Settings {
	out := providers.Settings{}
	for k, v := range s {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

func op(name string, payload any) *providers.Operation {
	b, err := json.Marshal(payload)
	if err != nil {
		panic(err)
	}
	return &providers.Operation{Name: name, Payload: b}
}

func decodeResult[T any](t *testing.T, r *providers.Result) *T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(r.Payload, &v))
	return &v
}

// plugin starts the test binary as the s3 plugin: the one call to
// providertest.Plugin.
func plugin(t testing.TB) providers.Provider {
	return providertest.Plugin(t, s3.Name)
}
