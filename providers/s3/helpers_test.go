package s3_test

import (
	"testing"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/testkit"
	"github.com/intimeos/integrations/providers/providertest"
	"github.com/intimeos/integrations/providers/s3"
	"github.com/intimeos/integrations/providers/s3/s3test"
)

// setup returns a running S3-compatible server and an in-process provider.
func setup(t *testing.T, cfg *s3test.Config) (*s3test.Server, *s3.Provider) {
	return s3test.New(t, cfg), testkit.Closing(t, s3.New(nil))
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

var (
	op   = testkit.Op
	with = testkit.With
)

func decodeResult[T any](t *testing.T, r *providers.Result) *T { return testkit.Decode[T](t, r) }

// plugin starts the test binary as the s3 plugin: the one call to
// providertest.Plugin.
func plugin(t testing.TB) providers.Provider {
	return providertest.Plugin(t, s3.Name)
}
