package s3

import (
	"crypto/sha256"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/intimeos/integrations/providers"
)

// The settings keys.
const (
	// FieldBucket is the bucket's name (required).
	FieldBucket = "bucket"
	// FieldRegion is the bucket's region (default [DefaultRegion]);
	// requests are signed for it.
	FieldRegion = "region"
	// FieldAccessKeyID is the access key's ID (required).
	FieldAccessKeyID = "accessKeyId"
	// FieldSecretAccessKey is the access key's secret (required, secret).
	FieldSecretAccessKey = "secretAccessKey"
	// FieldEndpoint is an S3-compatible service's URL (optional; empty
	// means AWS's endpoint for the region).
	FieldEndpoint = "endpoint"
	// FieldURLStyle is [URLStyleVirtualHosted] (default) or
	// [URLStylePath].
	FieldURLStyle = "urlStyle"
	// FieldKeyPrefix is put before every object key (optional), e.g.
	// "intime/".
	FieldKeyPrefix = "keyPrefix"
	// FieldPresignExpiry is the default lifetime of a download URL in
	// seconds (default [DefaultPresignExpiry]).
	FieldPresignExpiry = "presignExpiry"
	// FieldFallbackDir is the absolute path of the local fallback folder
	// (optional; empty turns the fallback off). See the package doc.
	FieldFallbackDir = "fallbackDir"
)

// The values of [FieldURLStyle].
const (
	// URLStyleVirtualHosted addresses the bucket as a host name,
	// https://bucket.s3.region.amazonaws.com/key (AWS's default).
	URLStyleVirtualHosted = "virtual-hosted"
	// URLStylePath addresses it in the path, https://endpoint/bucket/key,
	// as most S3-compatible services expect.
	URLStylePath = "path"
)

// Defaults and bounds of the settings.
const (
	DefaultRegion = "us-east-1"
	// DefaultPresignExpiry is a download URL's lifetime: 15 minutes.
	DefaultPresignExpiry = 900
	// MinPresignExpiry and MaxPresignExpiry bound it (S3 accepts at most
	// 7 days).
	MinPresignExpiry = 60
	MaxPresignExpiry = 604800
)

// The settings' validation messages.
const (
	msgBucketEmpty     = "Bucket name is required"
	msgBucketInvalid   = "Please enter a valid S3 bucket name"
	msgRegionInvalid   = "Please enter a valid region, such as us-east-1"
	msgAccessKeyEmpty  = "Access key ID is required"
	msgAccessKeyBad    = "Access key ID contains invalid characters"
	msgSecretEmpty     = "Secret access key is required"
	msgEndpointInvalid = "Please enter a valid https URL"
	msgURLStyleInvalid = "Please select virtual-hosted or path-style URLs"
	msgPrefixInvalid   = "Key prefix contains invalid characters"
	msgExpiryInvalid   = "Please enter a number of seconds"
	msgExpiryBelowMin  = "Minimum link lifetime is 60 seconds"
	msgExpiryAboveMax  = "Maximum link lifetime is 604,800 seconds (7 days)"
	msgFallbackInvalid = "Please enter an absolute folder path"
)

// Fields returns the provider's configuration fields in display order.
func Fields() []providers.Field {
	return []providers.Field{
		{Name: FieldBucket, Label: "Bucket", Type: providers.FieldText, Required: true, MaxLength: 63,
			Placeholder: "intime-documents", Pattern: `[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]`,
			Messages: providers.FieldMessages{Empty: msgBucketEmpty, Invalid: msgBucketInvalid, TooLong: msgBucketInvalid}},
		{Name: FieldRegion, Label: "Region", Type: providers.FieldText, Default: DefaultRegion,
			Placeholder: DefaultRegion, MaxLength: 50, Pattern: `[a-z0-9]+(-[a-z0-9]+)*`,
			Messages: providers.FieldMessages{Invalid: msgRegionInvalid, TooLong: msgRegionInvalid}},
		{Name: FieldAccessKeyID, Label: "Access Key ID", Type: providers.FieldText, Required: true, MaxLength: 128,
			Placeholder: "AKIAIOSFODNN7EXAMPLE", Pattern: `[!-~]+`,
			Messages: providers.FieldMessages{Empty: msgAccessKeyEmpty, Invalid: msgAccessKeyBad}},
		{Name: FieldSecretAccessKey, Label: "Secret Access Key", Type: providers.FieldPassword, Required: true,
			Secret: true, MaxLength: 256, Messages: providers.FieldMessages{Empty: msgSecretEmpty}},
		{Name: FieldEndpoint, Label: "Endpoint (S3-compatible services)", Type: providers.FieldURL, MaxLength: 500,
			Placeholder: "https://s3.us-east-1.amazonaws.com", Messages: providers.FieldMessages{Invalid: msgEndpointInvalid}},
		{Name: FieldURLStyle, Label: "Bucket URL style", Type: providers.FieldRadio, Default: URLStyleVirtualHosted,
			Options: []string{URLStyleVirtualHosted, URLStylePath}, Messages: providers.FieldMessages{Invalid: msgURLStyleInvalid}},
		{Name: FieldKeyPrefix, Label: "Key prefix", Type: providers.FieldText, MaxLength: 200, Placeholder: "intime/",
			Pattern: `[^\x00-\x1f\x7f]*`, Messages: providers.FieldMessages{Invalid: msgPrefixInvalid}},
		{Name: FieldPresignExpiry, Label: "Download link lifetime (seconds)", Type: providers.FieldNumber,
			Default: strconv.Itoa(DefaultPresignExpiry), Min: MinPresignExpiry, Max: MaxPresignExpiry,
			Messages: providers.FieldMessages{Invalid: msgExpiryInvalid, BelowMin: msgExpiryBelowMin, AboveMax: msgExpiryAboveMax}},
		{Name: FieldFallbackDir, Label: "Local fallback folder", Type: providers.FieldText, MaxLength: 1000,
			Placeholder: "/var/lib/intime/s3-fallback", Messages: providers.FieldMessages{Invalid: msgFallbackInvalid}},
	}
}

// settings are parsed, valid settings.
type settings struct {
	bucket, region    string
	accessKey, secret string
	endpoint          string // "" for AWS's
	pathStyle         bool
	prefix            string
	presignExpiry     time.Duration
	fallbackDir       string // "" for none
	endpointHost      string // the host the connection test checks
	endpointPort      int
	endpointTLS       bool
	clientKey         [32]byte // identifies the S3 client's settings
}

// parseSettings validates s and returns its values, or a
// *providers.ValidationError with one message per invalid field.
func parseSettings(s providers.Settings) (*settings, error) {
	var ve providers.ValidationError
	if err := providers.ValidateSettings(Fields(), s); err != nil {
		ve = *err.(*providers.ValidationError)
	}
	add := func(field, msg string) {
		if ve.Field(field) == "" {
			ve.Fields = append(ve.Fields, providers.FieldError{Field: field, Message: msg})
		}
	}
	st := &settings{bucket: s[FieldBucket], region: or(s[FieldRegion], DefaultRegion), accessKey: s[FieldAccessKeyID],
		secret: s[FieldSecretAccessKey], endpoint: strings.TrimRight(strings.TrimSpace(s[FieldEndpoint]), "/"),
		pathStyle: s[FieldURLStyle] == URLStylePath, prefix: s[FieldKeyPrefix],
		fallbackDir: strings.TrimSpace(s[FieldFallbackDir]), presignExpiry: DefaultPresignExpiry * time.Second}
	if strings.Contains(st.bucket, "..") || net.ParseIP(st.bucket) != nil {
		add(FieldBucket, msgBucketInvalid)
	}
	if n, err := strconv.Atoi(strings.TrimSpace(s[FieldPresignExpiry])); err == nil {
		st.presignExpiry = time.Duration(n) * time.Second
	}
	if st.fallbackDir != "" && !filepath.IsAbs(st.fallbackDir) {
		add(FieldFallbackDir, msgFallbackInvalid)
	}
	if err := st.parseEndpoint(); err != nil {
		add(FieldEndpoint, msgEndpointInvalid)
	}
	if len(ve.Fields) > 0 {
		return nil, &ve
	}
	st.clientKey = sha256.Sum256([]byte(strings.Join([]string{st.region, st.accessKey, st.secret, st.endpoint,
		strconv.FormatBool(st.pathStyle)}, "\x00")))
	return st, nil
}

// parseEndpoint checks the endpoint (https, or http to loopback only: file
// contents must not cross a network in clear text) and finds the host and
// port the connection test checks.
func (st *settings) parseEndpoint() error {
	if st.endpoint == "" {
		st.endpointHost, st.endpointPort, st.endpointTLS = "s3."+st.region+".amazonaws.com", 443, true
		if !st.pathStyle && !strings.Contains(st.bucket, ".") {
			st.endpointHost = st.bucket + "." + st.endpointHost
		}
		return nil
	}
	u, err := url.Parse(st.endpoint)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return errInvalid
	}
	ip := net.ParseIP(u.Hostname())
	loopback := u.Hostname() == "localhost" || ip != nil && ip.IsLoopback()
	if u.Scheme != "https" && (u.Scheme != "http" || !loopback) {
		return errInvalid
	}
	st.endpointHost, st.endpointTLS = u.Hostname(), u.Scheme == "https"
	st.endpointPort = 443
	if !st.endpointTLS {
		st.endpointPort = 80
	}
	if p := u.Port(); p != "" {
		if st.endpointPort, err = strconv.Atoi(p); err != nil {
			return errInvalid
		}
	}
	return nil
}

func or(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}
