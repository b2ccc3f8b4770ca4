package s3

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/intimeos/integrations/providers"
)

// The operation names: the storage integration type's operations.
const (
	// OpPut stores a file: [PutParams] in, [PutResult] out.
	OpPut = "storage.put"
	// OpGet reads a file: [GetParams] in, [Object] out.
	OpGet = "storage.get"
	// OpPresign returns a download URL: [PresignParams] in,
	// [PresignedURL] out.
	OpPresign = "storage.presign"
	// OpDelete deletes a file: [DeleteParams] in, [DeleteResult] out.
	OpDelete = "storage.delete"
	// OpReconcile uploads the files kept in the local fallback: no
	// payload, [ReconcileResult] out.
	OpReconcile = "storage.reconcile"
)

// MaxObjectSize is the largest file one call moves, in bytes: with base64
// and the call's envelope it stays under the plugin connection's 4 MiB
// message limit. Larger files go through presigned URLs.
const MaxObjectSize = 3_000_000

// MaxKeyLength is S3's limit on a key, prefix included, in bytes.
const MaxKeyLength = 1024

// Where a file is, in [PutResult] and [Object].
const (
	// LocationBucket is the S3 bucket.
	LocationBucket = "bucket"
	// LocationFallback is the local fallback folder, until
	// [OpReconcile] moves it to the bucket.
	LocationFallback = "fallback"
)

// PutParams is the payload of [OpPut]. Key and Body are required.
type PutParams struct {
	// Key is the object's key under the key prefix, e.g.
	// "resumes/cand_42.pdf".
	Key         string `json:"key"`
	ContentType string `json:"contentType,omitempty"`
	// Body is the file, at most [MaxObjectSize] bytes (base64 in JSON).
	Body []byte `json:"body"`
}

// PutResult is a stored file.
type PutResult struct {
	Key  string `json:"key"`
	Size int64  `json:"size"`
	// SHA256 is the hex SHA-256 of the bytes.
	SHA256 string `json:"sha256"`
	// ETag is S3's entity tag; empty while the file is in the fallback.
	ETag string `json:"etag,omitempty"`
	// Location is [LocationBucket] or [LocationFallback].
	Location string `json:"location"`
}

// GetParams is the payload of [OpGet]. Key is required.
type GetParams struct {
	Key string `json:"key"`
}

// DeleteParams is the payload of [OpDelete]. Key is required.
type DeleteParams struct {
	Key string `json:"key"`
}

// Object is a file read by [OpGet].
type Object struct {
	Key         string `json:"key"`
	ContentType string `json:"contentType,omitempty"`
	Size        int64  `json:"size"`
	Body        []byte `json:"body"`
	// Location is where it was read: [LocationBucket] or
	// [LocationFallback].
	Location string `json:"location"`
}

// PresignParams is the payload of [OpPresign]. Key is required.
type PresignParams struct {
	Key string `json:"key"`
	// ExpiresIn is the URL's lifetime in seconds, 60 to 604800; zero means
	// the presignExpiry setting.
	ExpiresIn int `json:"expiresIn,omitempty"`
	// FileName, if set, makes the download an attachment with this name.
	FileName string `json:"fileName,omitempty"`
}

// PresignedURL is a download URL that needs no credentials until it
// expires.
type PresignedURL struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// DeleteResult is a deleted file.
type DeleteResult struct {
	Key string `json:"key"`
}

// ReconcileResult is what [OpReconcile] moved.
type ReconcileResult struct {
	// Uploaded are the keys now in the bucket, in the order uploaded.
	Uploaded []string `json:"uploaded"`
	// Corrupt counts files set aside (renamed *.corrupt) because their
	// bytes no longer matched their checksum.
	Corrupt int `json:"corrupt,omitempty"`
}

// call is one operation's context: the provider, settings, S3 client and
// fallback folder (nil if none).
type call struct {
	p  *Provider
	st *settings
	s3 *client
	fb *fallback
}

// handler runs one operation with its payload.
type handler func(ctx context.Context, c *call, payload json.RawMessage) (any, error)

var handlers = map[string]handler{
	OpPut:       put,
	OpGet:       get,
	OpPresign:   presign,
	OpDelete:    del,
	OpReconcile: reconcile,
}

// Do implements [providers.Provider]: it runs [OpPut], [OpGet],
// [OpPresign], [OpDelete] or [OpReconcile].
func (p *Provider) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	if op == nil {
		return nil, providers.UnknownOperation(op)
	}
	h, ok := handlers[op.Name]
	if !ok {
		return nil, providers.UnknownOperation(op)
	}
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	start := p.now()
	out, err := h(ctx, &call{p: p, st: st, s3: p.client(st), fb: p.fallback(st)}, op.Payload)
	p.logger.DebugContext(ctx, "s3: operation", "op", op.Name, "bucket", st.bucket, "duration", p.now().Sub(start),
		"error", err)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("s3: encode result: %w", err)
	}
	return &providers.Result{Payload: b}, nil
}

// decode decodes an operation's payload into a T.
func decode[T any](op string, payload json.RawMessage) (*T, error) {
	var v T
	if len(payload) == 0 {
		return &v, nil
	}
	if err := json.Unmarshal(payload, &v); err != nil {
		return nil, providers.InvalidInput(fmt.Errorf("s3: %s: decode payload: %w", op, err))
	}
	return &v, nil
}

// fullKey checks key and returns it under the key prefix.
func (c *call) fullKey(op, key string) (string, error) {
	full := c.st.prefix + key
	switch {
	case key == "":
		return "", providers.InvalidInput(fmt.Errorf("s3: %s: key is required", op))
	case len(full) > MaxKeyLength:
		return "", providers.InvalidInput(fmt.Errorf("s3: %s: key is over %d bytes", op, MaxKeyLength))
	case !utf8.ValidString(key) || strings.IndexFunc(key, unicode.IsControl) >= 0:
		return "", providers.InvalidInput(fmt.Errorf("s3: %s: key must be UTF-8 text without control characters", op))
	}
	return full, nil
}

// key returns a full key without the prefix, as the caller knows it.
func (c *call) key(full string) string { return strings.TrimPrefix(full, c.st.prefix) }

func (c *call) classify(ctx context.Context, op string, err error) error {
	return classify(ctx, c.p.now(), op, err)
}
