package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
)

// client is the S3 client of one set of settings.
type client struct {
	api     *awss3.Client
	presign *awss3.PresignClient
}

// client returns the S3 client of st's settings, made on first use.
func (p *Provider) client(st *settings) *client {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.clients[st.clientKey]; ok {
		return c
	}
	if len(p.clients) >= p.max {
		clear(p.clients)
	}
	opts := awss3.Options{
		Region:       st.region,
		Credentials:  credentials.NewStaticCredentialsProvider(st.accessKey, st.secret, ""),
		UsePathStyle: st.pathStyle,
		HTTPClient:   p.http,
		// Retries are the host's (its retry policy and failover group).
		Retryer: aws.NopRetryer{},
		// Content-MD5 is sent instead: every S3-compatible service checks
		// it, not all know the newer checksum headers.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}
	if st.endpoint != "" {
		opts.BaseEndpoint = aws.String(st.endpoint)
	}
	api := awss3.New(opts)
	c := &client{api: api, presign: awss3.NewPresignClient(api)}
	p.clients[st.clientKey] = c
	return c
}

// object is a file to write to S3.
type object struct {
	key         string // the full key, prefix included
	contentType string
	body        []byte
}

// put writes o, with its Content-MD5 so that S3 refuses bytes that changed
// on the way, and returns the ETag.
func (c *client) put(ctx context.Context, bucket string, o *object) (string, error) {
	sum := md5.Sum(o.body)
	in := &awss3.PutObjectInput{Bucket: &bucket, Key: &o.key, Body: bytes.NewReader(o.body),
		ContentLength: aws.Int64(int64(len(o.body))), ContentMD5: aws.String(base64.StdEncoding.EncodeToString(sum[:]))}
	if o.contentType != "" {
		in.ContentType = &o.contentType
	}
	out, err := c.api.PutObject(ctx, in)
	if err != nil {
		return "", err
	}
	return aws.ToString(out.ETag), nil
}

// get reads the object at key, refusing one over limit bytes.
func (c *client) get(ctx context.Context, bucket, key string, limit int64) (*object, error) {
	out, err := c.api.GetObject(ctx, &awss3.GetObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	if n := aws.ToInt64(out.ContentLength); n > limit {
		return nil, errTooLarge(n)
	}
	body, err := io.ReadAll(io.LimitReader(out.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("s3: read %s: %w", key, err)
	}
	if int64(len(body)) > limit {
		return nil, errTooLarge(int64(len(body)))
	}
	return &object{key: key, contentType: aws.ToString(out.ContentType), body: body}, nil
}

// presignGet returns a GET URL for key valid for expires, with an
// attachment Content-Disposition when fileName is set.
func (c *client) presignGet(ctx context.Context, bucket, key, fileName string, expires time.Duration) (string, error) {
	in := &awss3.GetObjectInput{Bucket: &bucket, Key: &key}
	if fileName != "" {
		in.ResponseContentDisposition = aws.String(contentDisposition(fileName))
	}
	req, err := c.presign.PresignGetObject(ctx, in, awss3.WithPresignExpires(expires))
	if err != nil {
		return "", err
	}
	return req.URL, nil
}

func (c *client) delete(ctx context.Context, bucket, key string) error {
	_, err := c.api.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: &bucket, Key: &key})
	return err
}

func (c *client) headBucket(ctx context.Context, bucket string) error {
	_, err := c.api.HeadBucket(ctx, &awss3.HeadBucketInput{Bucket: &bucket})
	return err
}
