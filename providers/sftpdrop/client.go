package sftpdrop

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"net"
	"os"
	"path"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

// DefaultHandshakeTimeout bounds the SSH handshake and authentication when
// the caller's context allows longer.
const DefaultHandshakeTimeout = 30 * time.Second

// Config configures a [Client]. The zero value is ready to use.
type Config struct {
	// HandshakeTimeout bounds connecting, the SSH handshake and
	// authentication. Zero means [DefaultHandshakeTimeout].
	HandshakeTimeout time.Duration
	// Logger receives debug records of deliveries (host, path, size,
	// duration; never keys or file contents). Nil discards.
	Logger *slog.Logger
	// Now is the clock for stage timings. Nil means time.Now.
	Now func() time.Time
}

// Client delivers files over SFTP. It is safe for concurrent use; each
// call opens its own SSH connection and closes it.
type Client struct {
	cfg Config
}

// New returns a client configured by cfg (nil means all defaults).
func New(cfg *Config) *Client {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	if c.HandshakeTimeout <= 0 {
		c.HandshakeTimeout = DefaultHandshakeTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return &Client{cfg: c}
}

// Receipt is a delivered file.
type Receipt struct {
	// Path is the file's path on the server.
	Path string `json:"path"`
	Size int64  `json:"size"`
	// SHA256 is the hex SHA-256 of the bytes.
	SHA256 string `json:"sha256"`
	// AlreadyDelivered is true when the server already held this file
	// with the same bytes (a retry after a lost answer): nothing was
	// written.
	AlreadyDelivered bool `json:"alreadyDelivered,omitempty"`
}

// UploadOpts are options of [Client.Upload].
type UploadOpts struct {
	// Same, if set, decides whether a file already at the name is this
	// one delivered earlier, when its bytes differ from the new ones (a
	// retry that rendered a new timestamp). Nil means byte equality only.
	Same func(existing []byte) bool
}

// Upload delivers data to the target's folder as name. It writes a
// temporary ".name.part" first and renames it when complete, so the
// server's pickup never sees half a file. If name exists with the same
// bytes (or opts.Same says it is the same file) the upload is a no-op
// ([Receipt.AlreadyDelivered]); otherwise it is refused
// ([providers.KindInvalidInput]), never overwritten. opts may be nil.
func (c *Client) Upload(ctx context.Context, t *Target, name string, data []byte, opts *UploadOpts) (*Receipt, error) {
	if name == "" || path.Base(name) != name || name[0] == '.' {
		return nil, providers.InvalidInput(fmt.Errorf("sftpdrop: invalid file name %q", name))
	}
	start := c.cfg.Now()
	sum := sha256.Sum256(data)
	rc := &Receipt{Path: t.remotePath(name), Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}
	var same func([]byte) bool
	if opts != nil {
		same = opts.Same
	}
	err := c.session(ctx, t, func(sc *sftp.Client) error { return put(sc, t, name, data, same, rc) })
	c.cfg.Logger.DebugContext(ctx, "sftpdrop: upload", "host", t.Host, "path", rc.Path, "size", rc.Size,
		"duration", c.cfg.Now().Sub(start), "error", err)
	if err != nil {
		return nil, classify(ctx, err)
	}
	return rc, nil
}

// put writes the file over sc, as [Client.Upload] describes.
func put(sc *sftp.Client, t *Target, name string, data []byte, sameFn func([]byte) bool, rc *Receipt) error {
	if same, err := existing(sc, rc.Path, data, sameFn); err != nil || same {
		rc.AlreadyDelivered = same
		return err
	}
	tmp := t.remotePath("." + name + ".part")
	f, err := sc.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
	if err != nil {
		return fmt.Errorf("sftpdrop: create %s: %w", tmp, err)
	}
	if _, err := f.ReadFrom(bytes.NewReader(data)); err != nil {
		_ = f.Close()
		return fmt.Errorf("sftpdrop: write %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("sftpdrop: close %s: %w", tmp, err)
	}
	if fi, err := sc.Stat(tmp); err != nil || fi.Size() != int64(len(data)) {
		return errors.Join(fmt.Errorf("sftpdrop: %s is incomplete on the server", tmp), err)
	}
	rename := sc.Rename // SSH_FXP_RENAME refuses an existing target: never overwrites
	if err := rename(tmp, rc.Path); err != nil {
		return fmt.Errorf("sftpdrop: rename %s to %s: %w", tmp, rc.Path, err)
	}
	return nil
}

// existing reports whether p already holds data (or what same accepts); a
// different file there is an error.
func existing(sc *sftp.Client, p string, data []byte, same func([]byte) bool) (bool, error) {
	f, err := sc.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sftpdrop: open %s: %w", p, err)
	}
	defer f.Close()
	got, err := io.ReadAll(io.LimitReader(f, 2*int64(len(data))+4096))
	if err != nil {
		return false, fmt.Errorf("sftpdrop: read %s: %w", p, err)
	}
	if !bytes.Equal(got, data) && (same == nil || !same(got)) {
		return false, providers.InvalidInput(fmt.Errorf("sftpdrop: %s already exists with other contents", p))
	}
	return true, nil
}

// session connects, authenticates, opens SFTP and runs fn; the context's
// end closes the connection.
func (c *Client) session(ctx context.Context, t *Target, fn func(*sftp.Client) error) error {
	var d net.Dialer
	dctx, cancel := context.WithTimeout(ctx, c.cfg.HandshakeTimeout)
	defer cancel()
	conn, err := d.DialContext(dctx, "tcp", t.Addr())
	if err != nil {
		return fmt.Errorf("sftpdrop: connect %s: %w", t.Addr(), err)
	}
	sshc, _, err := c.handshake(dctx, conn, t)
	if err != nil {
		_ = conn.Close()
		return err
	}
	defer sshc.Close()
	stop := context.AfterFunc(ctx, func() { _ = sshc.Close() })
	defer stop()
	sc, err := sftp.NewClient(sshc)
	if err != nil {
		return fmt.Errorf("sftpdrop: start sftp: %w", err)
	}
	defer sc.Close()
	return fn(sc)
}

// handshake runs the SSH handshake with the pinned host key and the key
// authentication over conn, bounded by ctx. verified reports whether the
// host key was checked and accepted, which tells a failed handshake from
// a failed authentication.
func (c *Client) handshake(ctx context.Context, conn net.Conn, t *Target) (*ssh.Client, bool, error) {
	verified := false
	cfg := &ssh.ClientConfig{
		User:              t.User,
		Auth:              []ssh.AuthMethod{ssh.PublicKeys(t.Signer)},
		HostKeyCallback:   t.HostKey.callback(&verified),
		HostKeyAlgorithms: t.HostKey.algorithms(),
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	cc, chans, reqs, err := ssh.NewClientConn(conn, t.Addr(), cfg)
	if !stop() && err == nil {
		_ = cc.Close()
		err = ctx.Err()
	}
	if err != nil {
		if ctx.Err() != nil {
			err = errors.Join(ctx.Err(), err)
		}
		return nil, verified, fmt.Errorf("sftpdrop: ssh handshake with %s: %w", t.Addr(), err)
	}
	_ = conn.SetDeadline(time.Time{})
	return ssh.NewClient(cc, chans, reqs), verified, nil
}

// classify turns a delivery's error into a *providers.Error.
func classify(ctx context.Context, err error) error {
	var pe *providers.Error
	var hk *HostKeyError
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return providers.AsError(fmt.Errorf("sftpdrop: %w", ctx.Err()))
	case errors.As(err, &pe):
		return pe
	case errors.As(err, &hk):
		// Like a certificate that fails verification: never retried.
		return &providers.Error{Kind: providers.KindPermanent, Class: retry.ClassTLS, Message: hk.Error(), Err: err}
	case isAuthFailure(err):
		return providers.AuthFailed(err)
	case errors.Is(err, os.ErrPermission):
		return providers.AuthFailed(fmt.Errorf("%w (the account may not write there)", err))
	case errors.Is(err, os.ErrNotExist):
		return providers.InvalidInput(fmt.Errorf("%w (check the upload folder)", err))
	}
	var se *sftp.StatusError
	if errors.As(err, &se) {
		return providers.Unavailable(err, retry.ClassServerError) // SSH_FX_FAILURE: disk full, quota, server fault
	}
	return providers.AsError(err) // network, DNS, timeout, connection lost
}

// FileNumber returns a delivered file's number (an interchange control
// number, a file ID), 1 to 999999999: given if positive; else derived from
// the operation's idempotency key (an FNV-1a hash), so that a retry
// renders the same file name and [Client.Upload] recognises the file; else
// the clock's milliseconds, which repeat after about eleven days and
// collide within one millisecond: callers sending often should supply
// numbers.
func FileNumber(given int, idempotencyKey string, now time.Time) int {
	switch {
	case given > 0:
		return given
	case idempotencyKey != "":
		h := fnv.New32a()
		h.Write([]byte(idempotencyKey))
		return int(h.Sum32()%999999999) + 1
	}
	return int(now.UnixMilli()%999999999) + 1
}
