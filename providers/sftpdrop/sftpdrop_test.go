package sftpdrop_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"golang.org/x/crypto/ssh"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/testkit"
	"github.com/intimeos/integrations/providers/sftpdrop"
	"github.com/intimeos/integrations/providers/sftpdrop/sftptest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var with = testkit.With

func target(t *testing.T, s providers.Settings) *sftpdrop.Target {
	t.Helper()
	tg, errs := sftpdrop.ParseSettings(s)
	require.Empty(t, errs)
	return tg
}

func TestUpload(t *testing.T) {
	t.Parallel()
	srv := sftptest.New(t, nil)
	c := sftpdrop.New(nil)
	tg := target(t, srv.Settings())
	data := []byte("ISA*00*...~")
	rc, err := c.Upload(t.Context(), tg, "834_test.edi", data, nil)
	require.NoError(t, err)
	require.Equal(t, "inbound/834_test.edi", rc.Path)
	require.Equal(t, int64(len(data)), rc.Size)
	require.False(t, rc.AlreadyDelivered)
	require.Equal(t, data, srv.File(t, "inbound/834_test.edi"))
	require.Equal(t, []string{"834_test.edi"}, srv.Files(t, "inbound"), "no partial file left")

	again, err := c.Upload(t.Context(), tg, "834_test.edi", data, nil)
	require.NoError(t, err)
	require.True(t, again.AlreadyDelivered, "a retry with the same bytes is a no-op")

	_, err = c.Upload(t.Context(), tg, "834_test.edi", []byte("other"), nil)
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err), "never overwritten")
	require.Equal(t, data, srv.File(t, "inbound/834_test.edi"))

	same := &sftpdrop.UploadOpts{Same: func(old []byte) bool { return string(old) == string(data) }}
	rc, err = c.Upload(t.Context(), tg, "834_test.edi", []byte("ISA*00*...(rendered again)~"), same)
	require.NoError(t, err)
	require.True(t, rc.AlreadyDelivered, "the caller's comparison recognises its earlier file")
	require.Equal(t, data, srv.File(t, "inbound/834_test.edi"))

	for _, name := range []string{"", "../x", "a/b", ".hidden"} {
		_, err = c.Upload(t.Context(), tg, name, data, nil)
		require.Equal(t, providers.KindInvalidInput, providers.KindOf(err), name)
	}
}

// TestHostKeyPinning: a server whose key is not the pinned one is refused
// before authentication, whether the key or its fingerprint is pinned,
// and nothing is written.
func TestHostKeyPinning(t *testing.T) {
	t.Parallel()
	srv := sftptest.New(t, nil)
	other := sftptest.New(t, nil)
	c := sftpdrop.New(nil)

	fp := target(t, with(srv.Settings(), sftpdrop.FieldHostKey, srv.HostKeyFingerprint()))
	_, err := c.Upload(t.Context(), fp, "by-fingerprint.edi", []byte("x"), nil)
	require.NoError(t, err)

	for name, pin := range map[string]string{"key": other.HostKey(), "fingerprint": other.HostKeyFingerprint()} {
		tg := target(t, with(srv.Settings(), sftpdrop.FieldHostKey, pin))
		_, err := c.Upload(t.Context(), tg, "x.edi", []byte("x"), nil)
		var hk *sftpdrop.HostKeyError
		require.ErrorAs(t, err, &hk, name)
		require.Equal(t, srv.HostKeyFingerprint(), hk.Got)
		require.Equal(t, providers.KindPermanent, providers.KindOf(err))
		require.Equal(t, "SSL certificate verification failed", providers.UserMessage(err, "BCBS"))

		res := c.Check(t.Context(), tg)
		require.Equal(t, providers.StageTLS, res.Failed().Name, name)
		require.Contains(t, res.Failed().Message, "is not the pinned key")
	}
	require.Equal(t, []string{"by-fingerprint.edi"}, srv.Files(t, "inbound"))
}

func TestAuthFailures(t *testing.T) {
	t.Parallel()
	srv := sftptest.New(t, nil)
	c := sftpdrop.New(nil)
	_, strangerKey := sftptest.NewKey(t)
	stranger := target(t, with(srv.Settings(), sftpdrop.FieldPrivateKey, strangerKey))
	_, err := c.Upload(t.Context(), stranger, "x.edi", []byte("x"), nil)
	require.Equal(t, providers.KindAuth, providers.KindOf(err), "%v", err)
	require.Equal(t, "Authentication failed. Please check credentials.", providers.UserMessage(err, "VSP"))
	res := c.Check(t.Context(), stranger)
	require.Equal(t, providers.StageAuth, res.Failed().Name)
	require.Equal(t, providers.StagePassed, res.Stages[2].Status, "the host key was verified")

	wrongUser := target(t, with(srv.Settings(), sftpdrop.FieldUsername, "root"))
	_, err = c.Upload(t.Context(), wrongUser, "x.edi", []byte("x"), nil)
	require.Equal(t, providers.KindAuth, providers.KindOf(err))

	ro := sftptest.New(t, &sftptest.Config{ReadOnly: true})
	_, err = c.Upload(t.Context(), target(t, ro.Settings()), "x.edi", []byte("x"), nil)
	require.Equal(t, providers.KindAuth, providers.KindOf(err), "%v", err)
}

func TestFolderAndNetworkFailures(t *testing.T) {
	t.Parallel()
	srv := sftptest.New(t, nil)
	c := sftpdrop.New(nil)
	missing := target(t, with(srv.Settings(), sftpdrop.FieldDirectory, "outbound"))
	_, err := c.Upload(t.Context(), missing, "x.edi", []byte("x"), nil)
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err), "%v", err)
	res := c.Check(t.Context(), missing)
	require.Equal(t, providers.StageAuth, res.Failed().Name)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	closed := target(t, with(srv.Settings(), sftpdrop.FieldPort, strconv.Itoa(port)))
	_, err = c.Upload(t.Context(), closed, "x.edi", []byte("x"), nil)
	require.Equal(t, providers.KindRetryable, providers.KindOf(err))
	require.Equal(t, "Connection to Delta Dental timed out", providers.UserMessage(err, "Delta Dental"))
	res = c.Check(t.Context(), closed)
	require.Equal(t, providers.StageTCP, res.Failed().Name)
	require.Equal(t, providers.StageSkipped, res.Stages[2].Status)

	ctx, cancel := contextCanceled(t)
	cancel()
	_, err = c.Upload(ctx, target(t, srv.Settings()), "x.edi", []byte("x"), nil)
	require.Equal(t, providers.KindCanceled, providers.KindOf(err))
}

func TestCheck(t *testing.T) {
	t.Parallel()
	srv := sftptest.New(t, nil)
	res := sftpdrop.New(nil).Check(t.Context(), target(t, srv.Settings()))
	require.True(t, res.OK(), "%+v", res.Stages)
	var names []providers.StageName
	for _, st := range res.Stages {
		names = append(names, st.Name)
		require.Equal(t, providers.StagePassed, st.Status)
	}
	require.Equal(t, []providers.StageName{providers.StageDNS, providers.StageTCP, providers.StageTLS, providers.StageAuth}, names)
	require.Empty(t, srv.Files(t, "inbound"), "a connection test writes nothing")
}

func TestParseSettings(t *testing.T) {
	t.Parallel()
	srv := sftptest.New(t, nil)
	good := srv.Settings()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	block, err := ssh.MarshalPrivateKeyWithPassphrase(k, "", []byte("correct horse"))
	require.NoError(t, err)
	encrypted := string(pem.EncodeToMemory(block))
	tests := []struct {
		name, field, msg string
		s                providers.Settings
	}{
		{name: "valid", s: good},
		{name: "known_hosts line", s: with(good, sftpdrop.FieldHostKey, "[sftp.bcbs.example]:22 "+srv.HostKey())},
		{name: "fingerprint", s: with(good, sftpdrop.FieldHostKey, srv.HostKeyFingerprint())},
		{name: "encrypted key", s: with(good, sftpdrop.FieldPrivateKey, encrypted, sftpdrop.FieldKeyPassphrase, "correct horse")},
		{name: "login folder", s: with(good, sftpdrop.FieldDirectory, "")},
		{"no host", sftpdrop.FieldHost, "SFTP host is required", with(good, sftpdrop.FieldHost, "")},
		{"bad host", sftpdrop.FieldHost, "Please enter a valid hostname or IP address", with(good, sftpdrop.FieldHost, "sftp host")},
		{"port", sftpdrop.FieldPort, "Please enter a valid port number", with(good, sftpdrop.FieldPort, "70000")},
		{"no user", sftpdrop.FieldUsername, "SFTP username is required", with(good, sftpdrop.FieldUsername, "")},
		{"no key", sftpdrop.FieldPrivateKey, "SFTP private key is required", with(good, sftpdrop.FieldPrivateKey, "")},
		{"not a key", sftpdrop.FieldPrivateKey, "Please enter an OpenSSH or PEM private key",
			with(good, sftpdrop.FieldPrivateKey, "-----BEGIN OPENSSH PRIVATE KEY-----\nnope\n-----END OPENSSH PRIVATE KEY-----")},
		{"no passphrase", sftpdrop.FieldKeyPassphrase, "This private key is encrypted: enter its passphrase",
			with(good, sftpdrop.FieldPrivateKey, encrypted)},
		{"wrong passphrase", sftpdrop.FieldKeyPassphrase, "The passphrase does not unlock the private key",
			with(good, sftpdrop.FieldPrivateKey, encrypted, sftpdrop.FieldKeyPassphrase, "Tr0ub4dor")},
		{"no host key", sftpdrop.FieldHostKey, "SFTP host key is required", with(good, sftpdrop.FieldHostKey, "")},
		{"bad host key", sftpdrop.FieldHostKey, "Please enter the server's public host key or its SHA256 fingerprint",
			with(good, sftpdrop.FieldHostKey, "ssh-ed25519 AAAAnotbase64!")},
		{"short fingerprint", sftpdrop.FieldHostKey, "Please enter the server's public host key or its SHA256 fingerprint",
			with(good, sftpdrop.FieldHostKey, "SHA256:abc")},
		{"dotdot folder", sftpdrop.FieldDirectory, "Please enter a folder path without control characters or ..",
			with(good, sftpdrop.FieldDirectory, "/inbound/../etc")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tg, errs := sftpdrop.ParseSettings(tt.s)
			if tt.field == "" {
				require.Empty(t, errs)
				require.NotNil(t, tg.Signer)
				return
			}
			require.Nil(t, tg)
			require.Equal(t, []providers.FieldError{{Field: tt.field, Message: tt.msg}}, errs)
			for _, e := range errs {
				require.NotContains(t, e.Message, "PRIVATE KEY")
			}
		})
	}
}

func contextCanceled(t *testing.T) (context.Context, context.CancelFunc) {
	return context.WithCancel(t.Context())
}

func TestFileNumber(t *testing.T) {
	t.Parallel()
	now := time.UnixMilli(1_714_560_000_123)
	require.Equal(t, 42, sftpdrop.FileNumber(42, "key", now), "given wins")
	a := sftpdrop.FileNumber(0, "payroll-2024-05-15", now)
	require.Equal(t, a, sftpdrop.FileNumber(0, "payroll-2024-05-15", now.Add(time.Hour)), "stable for a key")
	require.NotEqual(t, a, sftpdrop.FileNumber(0, "payroll-2024-05-31", now))
	require.Equal(t, int(1_714_560_000_123%999999999)+1, sftpdrop.FileNumber(0, "", now))
	for _, k := range []string{"", "a", "b", "payroll"} {
		n := sftpdrop.FileNumber(0, k, now)
		require.True(t, n >= 1 && n <= 999999999, n)
	}
}
