package s3

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

// put stores a file in the bucket or, while S3 is unreachable or failing
// and a fallback folder is set, in the folder.
func put(ctx context.Context, c *call, payload json.RawMessage) (any, error) {
	in, err := decode[PutParams](OpPut, payload)
	if err != nil {
		return nil, err
	}
	full, err := c.fullKey(OpPut, in.Key)
	if err != nil {
		return nil, err
	}
	if len(in.Body) > MaxObjectSize {
		return nil, errTooLarge(int64(len(in.Body)))
	}
	o := &object{key: full, contentType: in.ContentType, body: in.Body}
	h := sha256.Sum256(in.Body)
	res := &PutResult{Key: in.Key, Size: int64(len(in.Body)), SHA256: hex.EncodeToString(h[:]), Location: LocationBucket}
	if c.fb.has(full) {
		// An older version waits in the folder: write under the lock, so
		// that a reconcile cannot upload it over this one.
		unlock, err := c.fb.lock(ctx)
		if err != nil {
			return nil, providers.AsError(err)
		}
		defer unlock()
		return c.putLocked(ctx, o, res)
	}
	etag, err := c.s3.put(ctx, c.st.bucket, o)
	if err == nil {
		res.ETag = etag
		return res, nil
	}
	err = c.classify(ctx, OpPut, err)
	if c.fb == nil || !fallsBack(err) {
		return nil, err
	}
	unlock, lerr := c.fb.lock(ctx)
	if lerr != nil {
		return nil, err
	}
	defer unlock()
	return c.keep(o, res, err)
}

// putLocked writes o to S3 and drops the folder's older version, or keeps
// o in the folder if S3 fails. The caller holds the lock.
func (c *call) putLocked(ctx context.Context, o *object, res *PutResult) (any, error) {
	etag, err := c.s3.put(ctx, c.st.bucket, o)
	if err == nil {
		res.ETag = etag
		if err := c.fb.remove(o.key); err != nil {
			return nil, err
		}
		return res, nil
	}
	err = c.classify(ctx, OpPut, err)
	if !fallsBack(err) {
		return nil, err
	}
	return c.keep(o, res, err)
}

// keep writes o to the fallback folder after S3 failed with cause. The
// caller holds the lock.
func (c *call) keep(o *object, res *PutResult, cause error) (any, error) {
	if err := c.fb.write(o, res.SHA256, c.p.now()); err != nil {
		return nil, providers.Unavailable(fmt.Errorf("%w; the local fallback failed too: %v", cause, err),
			providers.AsError(cause).RetryClass())
	}
	c.p.logger.Warn("s3: S3 unavailable, file kept in the local fallback", "bucket", c.st.bucket, "key", o.key,
		"error", cause)
	res.Location = LocationFallback
	return res, nil
}

// get reads a file from the fallback folder if it waits there, else from
// the bucket.
func get(ctx context.Context, c *call, payload json.RawMessage) (any, error) {
	in, err := decode[GetParams](OpGet, payload)
	if err != nil {
		return nil, err
	}
	full, err := c.fullKey(OpGet, in.Key)
	if err != nil {
		return nil, err
	}
	loc := LocationFallback
	_, o, err := c.fb.get(full)
	if err != nil {
		return nil, providers.NewError(providers.KindPermanent, err)
	}
	if o == nil {
		loc = LocationBucket
		if o, err = c.s3.get(ctx, c.st.bucket, full, MaxObjectSize); err != nil {
			return nil, c.classify(ctx, OpGet, err)
		}
	}
	return &Object{Key: in.Key, ContentType: o.contentType, Size: int64(len(o.body)), Body: o.body, Location: loc}, nil
}

// presign signs a download URL. A file still in the fallback folder has
// none yet: that is a retryable error.
func presign(ctx context.Context, c *call, payload json.RawMessage) (any, error) {
	in, err := decode[PresignParams](OpPresign, payload)
	if err != nil {
		return nil, err
	}
	full, err := c.fullKey(OpPresign, in.Key)
	if err != nil {
		return nil, err
	}
	exp := c.st.presignExpiry
	if in.ExpiresIn != 0 {
		if in.ExpiresIn < MinPresignExpiry || in.ExpiresIn > MaxPresignExpiry {
			return nil, providers.InvalidInput(fmt.Errorf("s3: %s: expiresIn must be %d to %d seconds", OpPresign,
				MinPresignExpiry, MaxPresignExpiry))
		}
		exp = time.Duration(in.ExpiresIn) * time.Second
	}
	if c.fb.has(full) {
		return nil, providers.Unavailable(fmt.Errorf("s3: %s: %q is in the local fallback until S3 is back; read it with %s",
			OpPresign, in.Key, OpGet), retry.ClassServerError)
	}
	u, err := c.s3.presignGet(ctx, c.st.bucket, full, in.FileName, exp)
	if err != nil {
		return nil, c.classify(ctx, OpPresign, err)
	}
	return &PresignedURL{URL: u, ExpiresAt: signedAt(u, c.p.now()).Add(exp).UTC()}, nil
}

// signedAt reads a presigned URL's X-Amz-Date, or returns now.
func signedAt(u string, now time.Time) time.Time {
	pu, err := url.Parse(u)
	if err != nil {
		return now
	}
	t, err := time.Parse("20060102T150405Z", pu.Query().Get("X-Amz-Date"))
	if err != nil {
		return now
	}
	return t
}

// del deletes a file from the fallback folder and from the bucket.
func del(ctx context.Context, c *call, payload json.RawMessage) (any, error) {
	in, err := decode[DeleteParams](OpDelete, payload)
	if err != nil {
		return nil, err
	}
	full, err := c.fullKey(OpDelete, in.Key)
	if err != nil {
		return nil, err
	}
	if c.fb.has(full) {
		unlock, err := c.fb.lock(ctx)
		if err != nil {
			return nil, providers.AsError(err)
		}
		err = c.fb.remove(full)
		unlock()
		if err != nil {
			return nil, err
		}
	}
	if err := c.s3.delete(ctx, c.st.bucket, full); err != nil {
		return nil, c.classify(ctx, OpDelete, err)
	}
	return &DeleteResult{Key: in.Key}, nil
}

// reconcile uploads every file the fallback folder keeps for the bucket,
// removing each once S3 has taken it (S3 checks its Content-MD5), and
// stops at the first failure: what was uploaded stays uploaded, the rest
// waits for the next call.
func reconcile(ctx context.Context, c *call, _ json.RawMessage) (any, error) {
	res := &ReconcileResult{Uploaded: []string{}}
	if c.fb == nil {
		return res, nil
	}
	unlock, err := c.fb.lock(ctx)
	if err != nil {
		return nil, providers.AsError(err)
	}
	defer unlock()
	paths, err := c.fb.entries()
	if err != nil {
		return nil, err
	}
	for _, path := range paths {
		h, o, err := c.fb.read(path)
		switch {
		case errors.Is(err, errCorrupt):
			c.fb.quarantine(path)
			res.Corrupt++
			c.p.logger.Error("s3: fallback file set aside: its bytes no longer match its checksum", "path", path)
			continue
		case err != nil:
			return nil, err
		case h.Bucket != c.st.bucket:
			continue
		}
		if _, err := c.s3.put(ctx, c.st.bucket, o); err != nil {
			return nil, c.classify(ctx, OpReconcile, err)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("s3: fallback remove: %w", err)
		}
		res.Uploaded = append(res.Uploaded, c.key(h.Key))
	}
	return res, nil
}
