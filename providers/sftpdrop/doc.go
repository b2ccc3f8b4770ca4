// Package sftpdrop delivers files over SFTP, for the providers whose
// counterparty picks files up from a server: benefits carriers (package
// carrier) and 401(k) recordkeepers (package recordkeeper). It is a
// transport, not a provider.
//
// # Security
//
// Authentication is by key only ([FieldPrivateKey], OpenSSH or PEM,
// optionally encrypted with [FieldKeyPassphrase]); passwords are not
// offered. The server is pinned ([FieldHostKey]): its public key, or the
// key's SHA256 fingerprint. A server presenting any other key is refused
// during the handshake, before the account's key is offered, with a
// *[HostKeyError] classified as a permanent TLS-class failure (never
// retried, never trusted on first use). With a full key pinned the client
// asks for that key's algorithm, so a server with several host keys
// presents the pinned one.
//
// # Delivery
//
// [Client.Upload] opens one SSH connection per call and writes the file as
// ".<name>.part" in the upload folder ([FieldDirectory]), checks its size,
// then renames it to its name, which SFTP refuses if the name exists: a
// carrier's pickup never sees half a file and a file is never
// overwritten. A name already holding the same bytes is a retry after a
// lost answer and succeeds without writing ([Receipt.AlreadyDelivered]);
// one holding other bytes is refused as invalid input. The caller's
// context bounds the call (its end closes the connection) and
// [Config.HandshakeTimeout] bounds connecting and authenticating.
//
// # Errors
//
// Failures are *[providers.Error] values: a refused key or a folder the
// account may not write to is [providers.KindAuth]; a missing folder or a
// clashing file is [providers.KindInvalidInput]; a host key mismatch is
// [providers.KindPermanent]; network failures, timeouts, a dropped
// connection and SSH_FX_FAILURE (disk full, quota) are
// [providers.KindRetryable]. SFTP has no rate-limit answer and so no
// Retry-After; a server that limits connections drops them, which is
// retryable.
//
// # Connection test
//
// [Client.Check] runs DNS and TCP ([providers.CheckEndpoint]), the SSH
// handshake with the host key check as the TLS stage, and authentication
// plus a look at the upload folder as the auth stage. It writes nothing.
//
// # Settings
//
// [Fields] are the SFTP fields providers put in their forms, and
// [ParseSettings] validates them with the messages shown to
// administrators.
//
// Package sftptest runs a real SFTP server in process for tests.
package sftpdrop
