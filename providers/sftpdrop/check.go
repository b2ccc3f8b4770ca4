package sftpdrop

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"

	"github.com/intimeos/integrations/providers"
)

// Check tests the connection in stages: DNS, TCP, then the SSH handshake
// in the TLS stage (key exchange and the pinned host key: a server with
// another key fails here), then authentication with the account's key,
// the SFTP subsystem and the upload folder, which must exist and be a
// folder. Nothing is written.
func (c *Client) Check(ctx context.Context, t *Target) *providers.CheckResult {
	res, conn := c.checkEndpoint(ctx, t)
	stage := func(name providers.StageName, fn func() error) {
		res.Run(name, c.cfg.Now, func() error { return classify(ctx, fn()) })
	}
	var authErr error
	var sshc *ssh.Client
	var sc *sftp.Client
	stage(providers.StageTLS, func() error {
		hctx, cancel := context.WithTimeout(ctx, c.cfg.HandshakeTimeout)
		defer cancel()
		var verified bool
		var err error
		sshc, verified, err = c.handshake(hctx, conn, t)
		if err != nil && !verified {
			return err
		}
		if authErr = err; err == nil {
			sc, authErr = sftp.NewClient(sshc)
		}
		return nil
	})
	defer func() {
		if sc != nil {
			_ = sc.Close()
		}
		if sshc != nil {
			_ = sshc.Close()
		}
		if conn != nil {
			_ = conn.Close()
		}
	}()
	stage(providers.StageAuth, func() error {
		if authErr != nil {
			return authErr
		}
		return checkDir(sc, t.Dir)
	})
	return res
}

// checkEndpoint runs the DNS and TCP stages: the one call to
// [providers.CheckEndpoint]. Its TLS stage, skipped since SSH is not TLS,
// is dropped: the SSH handshake takes its place.
func (c *Client) checkEndpoint(ctx context.Context, t *Target) (*providers.CheckResult, net.Conn) {
	res, conn := providers.CheckEndpoint(ctx, &providers.EndpointCheck{Host: t.Host, Port: t.Port, Now: c.cfg.Now})
	if n := len(res.Stages); n > 0 && res.Stages[n-1].Name == providers.StageTLS {
		res.Stages = res.Stages[:n-1]
	}
	return res, conn
}

func checkDir(sc *sftp.Client, dir string) error {
	if dir == "" {
		dir = "."
	}
	fi, err := sc.Stat(dir)
	if err != nil {
		return fmt.Errorf("sftpdrop: upload folder %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return providers.InvalidInput(fmt.Errorf("sftpdrop: upload folder %s: %w", dir, errNotDir))
	}
	return nil
}

var errNotDir = errors.New("not a folder")

// isAuthFailure reports whether err is the SSH client's refusal after
// every authentication method failed. x/crypto/ssh has no error type for
// it; its message is stable.
func isAuthFailure(err error) bool {
	return strings.Contains(err.Error(), "ssh: unable to authenticate")
}
