// Package s3test runs a real S3-compatible server in process for tests:
// github.com/johannesboyne/gofakes3 on an in-memory backend, behind the
// request authentication Amazon S3 documents (AWS Signature Version 4, in
// the Authorization header or in a presigned URL's query), so that wrong
// credentials, tampered or expired presigned URLs and clock skew are
// refused the way S3 refuses them, with S3's XML error bodies.
//
// # Credentials and faults
//
// Every request is signed with [SecretKey]. The access key chooses how the
// server answers once the signature is verified: [AccessKey] is served
// normally; [AccessKeySlowDown] gets S3's throttling answer (503 SlowDown);
// [AccessKeyTooMany] gets 429 with a Retry-After of [RetryAfterSeconds], as
// S3-compatible services that rate limit that way send; [AccessKeyDown]
// gets 503 ServiceUnavailable; [AccessKeyDenied] gets 403 AccessDenied (a
// key without rights on the bucket). An unknown access key is
// InvalidAccessKeyId, a wrong secret SignatureDoesNotMatch.
//
// # Down and up
//
// [Server.Stop] closes the listener and every connection, so that clients
// see connection refused, as when S3 is unreachable; [Server.Start] listens
// again on the same address with the same objects.
package s3test
