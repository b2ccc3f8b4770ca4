// Package s3 is the document storage provider (UC-ADMIN-007 §2.1,
// "Document Storage: AWS S3"): résumés and other files put into, read from,
// shared from and deleted from an S3 bucket through
// github.com/aws/aws-sdk-go-v2/service/s3, on AWS or any S3-compatible
// service (MinIO, Ceph, Cloudflare R2, ...). It also carries the §9
// fallback, "Storage: use local storage temporarily". It implements
// [providers.Provider] and is also a plugin binary, cmd/intime-provider-s3.
//
// # Settings
//
// [Fields] lists them with their rules and messages: [FieldBucket] and the
// key pair [FieldAccessKeyID] / [FieldSecretAccessKey] are required;
// [FieldRegion] defaults to [DefaultRegion]; [FieldEndpoint] points at an
// S3-compatible service (https, or plain http to a loopback address only:
// files are personal data); [FieldURLStyle] chooses virtual-hosted
// (bucket.host, AWS's default) or path-style (host/bucket, what most
// S3-compatible services want) URLs; [FieldKeyPrefix] is put before every
// key; [FieldPresignExpiry] is a download URL's default lifetime;
// [FieldFallbackDir] turns the local fallback on.
//
// # Operations
//
// [Provider.Do] runs the storage type's operations, JSON in and JSON out
// (file bytes are base64 in JSON, at most [MaxObjectSize] per call, which
// fits the plugin connection's message limit):
//
//   - [OpPut]: [PutParams] in, [PutResult] out (PutObject with
//     Content-MD5, so S3 refuses bytes changed on the way);
//   - [OpGet]: [GetParams] in, [Object] out (GetObject);
//   - [OpPresign]: [PresignParams] in, [PresignedURL] out: a GET URL
//     signed with Signature Version 4 for 60 seconds to 7 days, optionally
//     downloading as an attachment with a file name;
//   - [OpDelete]: [DeleteParams] in, [DeleteResult] out (DeleteObject;
//     deleting a missing key succeeds, as in S3);
//   - [OpReconcile]: no payload, [ReconcileResult] out (see below).
//
// Hosts call them through any [providers.Caller] with [Put], [Get],
// [Presign], [Delete] and [Reconcile].
//
// S3's answers are classified with the providers error kinds: SlowDown,
// 429 and the other throttling codes are [providers.KindRateLimited] with
// the Retry-After wait when the service sends one (S3 itself does not; its
// SlowDown then reads "Retry in 1 seconds"); InvalidAccessKeyId,
// SignatureDoesNotMatch, AccessDenied and other 401/403 are
// [providers.KindAuth]; 5xx and network failures are
// [providers.KindRetryable]; RequestTimeTooSkewed (this host's clock) is
// [providers.KindPermanent]; other 4xx (NoSuchBucket, NoSuchKey, a wrong
// region) are [providers.KindInvalidInput]. The SDK's own retries are off:
// retrying is the host's retry policy's job.
//
// # Connection test
//
// [Provider.Check] runs the DNS, TCP and TLS stages against the host the
// requests go to (the bucket's virtual host on AWS, else the endpoint),
// then authenticates with HeadBucket, which proves the keys, the bucket
// and the region together.
//
// # Local fallback (§9)
//
// The fallback lives in the provider, so it works the same in process and
// as a plugin, and needs nothing from the host but a folder:
// [FieldFallbackDir], an absolute path on the machine the provider runs
// on, created with mode 0700 on first use.
//
// When a put fails because S3 is unreachable or failing (a
// [providers.KindRetryable] error: connection refused, timeout, DNS, 5xx),
// the file is written to the folder instead and the put succeeds with
// [PutResult.Location] [LocationFallback]. Refusals are not outages:
// rejected credentials, throttling and invalid input fail as usual and
// nothing is kept. While a file waits in the folder, [OpGet] reads it from
// there, [OpDelete] removes it there (and in the bucket), and [OpPresign]
// fails with a retryable error, since a URL cannot point at local disk.
//
// [OpReconcile] uploads every file waiting for the settings' bucket, each
// with its Content-MD5, and removes each from the folder only once S3 has
// taken it. It stops at the first failure; what was uploaded stays
// uploaded and the rest waits for the next call. Hosts call it when S3 is
// back: after a passing connection test, or on a timer. A file that is
// put again while an older version waits goes to S3 under the folder's
// lock and the older version is dropped, so a reconcile never writes old
// bytes over new ones; each reconcile holds the lock, so two never upload
// the same file.
//
// Each waiting file is one file in the folder, named by the SHA-256 of
// bucket and key with the extension ".s3obj": a JSON header line (bucket,
// key, content type, size, hex SHA-256, time kept) then the bytes. It is
// written to a temporary name, synced and renamed, so a crash leaves the
// previous version or none; temporary files left by a crash are removed by
// the next reconcile. A file whose bytes no longer match its SHA-256 is
// renamed ".corrupt", counted in [ReconcileResult.Corrupt] and logged, not
// uploaded. Changes to the folder are serialised within the process and,
// on Unix, across processes with flock(2) on the folder's ".lock" file, so
// several plugin processes may share one folder (elsewhere a folder must
// belong to one process).
//
// # Testing
//
// Package s3test runs a real S3-compatible server (gofakes3) in process
// behind S3's Signature Version 4 checks, with access keys that answer the
// service's documented faults.
package s3
