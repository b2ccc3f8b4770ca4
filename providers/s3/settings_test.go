package s3_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/s3"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	base := providers.Settings{s3.FieldBucket: "intime-docs", s3.FieldAccessKeyID: "AKIAIOSFODNN7EXAMPLE",
		s3.FieldSecretAccessKey: "secret"}
	tests := []struct {
		name  string
		s     providers.Settings
		field string
		msg   string
	}{
		{"defaults", base, "", ""},
		{"aws region", with(base, s3.FieldRegion, "eu-central-1"), "", ""},
		{"https endpoint", with(base, s3.FieldEndpoint, "https://minio.example.com:9000"), "", ""},
		{"loopback http", with(base, s3.FieldEndpoint, "http://127.0.0.1:9000"), "", ""},
		{"path style", with(base, s3.FieldURLStyle, s3.URLStylePath), "", ""},
		{"fallback", with(base, s3.FieldFallbackDir, "/var/lib/intime/s3"), "", ""},
		{"no bucket", with(base, s3.FieldBucket, ""), s3.FieldBucket, "Bucket name is required"},
		{"upper-case bucket", with(base, s3.FieldBucket, "Intime"), s3.FieldBucket, "Please enter a valid S3 bucket name"},
		{"short bucket", with(base, s3.FieldBucket, "ab"), s3.FieldBucket, "Please enter a valid S3 bucket name"},
		{"ip bucket", with(base, s3.FieldBucket, "192.168.1.1"), s3.FieldBucket, "Please enter a valid S3 bucket name"},
		{"dots bucket", with(base, s3.FieldBucket, "a..b"), s3.FieldBucket, "Please enter a valid S3 bucket name"},
		{"bad region", with(base, s3.FieldRegion, "US East"), s3.FieldRegion, "Please enter a valid region, such as us-east-1"},
		{"no access key", with(base, s3.FieldAccessKeyID, ""), s3.FieldAccessKeyID, "Access key ID is required"},
		{"spaced access key", with(base, s3.FieldAccessKeyID, "AKIA X"), s3.FieldAccessKeyID,
			"Access key ID contains invalid characters"},
		{"no secret", with(base, s3.FieldSecretAccessKey, ""), s3.FieldSecretAccessKey, "Secret access key is required"},
		{"plain http", with(base, s3.FieldEndpoint, "http://minio.example.com"), s3.FieldEndpoint, "Please enter a valid https URL"},
		{"credentials in endpoint", with(base, s3.FieldEndpoint, "https://u:p@minio.example.com"), s3.FieldEndpoint,
			"Please enter a valid https URL"},
		{"style", with(base, s3.FieldURLStyle, "dns"), s3.FieldURLStyle, "Please select virtual-hosted or path-style URLs"},
		{"prefix control", with(base, s3.FieldKeyPrefix, "a\tb"), s3.FieldKeyPrefix, "Key prefix contains invalid characters"},
		{"expiry low", with(base, s3.FieldPresignExpiry, "59"), s3.FieldPresignExpiry, "Minimum link lifetime is 60 seconds"},
		{"expiry high", with(base, s3.FieldPresignExpiry, "604801"), s3.FieldPresignExpiry,
			"Maximum link lifetime is 604,800 seconds (7 days)"},
		{"expiry text", with(base, s3.FieldPresignExpiry, "soon"), s3.FieldPresignExpiry, "Please enter a number of seconds"},
		{"relative fallback", with(base, s3.FieldFallbackDir, "spool"), s3.FieldFallbackDir, "Please enter an absolute folder path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := s3.New(nil).Validate(t.Context(), tt.s)
			if tt.field == "" {
				require.NoError(t, err)
				return
			}
			var ve *providers.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tt.msg, ve.Field(tt.field))
			require.Len(t, ve.Fields, 1, "%v", ve)
		})
	}
}
