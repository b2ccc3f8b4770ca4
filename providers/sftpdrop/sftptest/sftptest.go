// Package sftptest runs a real SFTP server in process for tests: SSH
// (golang.org/x/crypto/ssh) with public key authentication only and an
// ed25519 host key, serving the SFTP subsystem with github.com/pkg/sftp
// over a folder under the test's temporary directory.
package sftptest

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pkg/sftp"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/sftpdrop"
)

// User is the account the server accepts.
const User = "intime"

// Config configures a [Server]. The zero value is ready to use.
type Config struct {
	// AuthorizedKeys may log in as [User]. Empty means one key, made by
	// New and returned by [Server.ClientKey].
	AuthorizedKeys []ssh.PublicKey
	// Dirs are created under the root at start. Empty means "inbound".
	Dirs []string
	// ReadOnly serves SFTP read-only: every write is refused with
	// permission denied.
	ReadOnly bool
}

// Server is an SFTP server on a loopback port.
type Server struct {
	// Host and Port are where it listens.
	Host string
	Port int
	// Root is the folder it serves; relative paths are under it.
	Root string

	hostKey   ssh.Signer
	clientPEM string
	config    *ssh.ServerConfig
	readOnly  bool
	listener  net.Listener

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// New starts a server; the test's cleanup stops it.
func New(t testing.TB, cfg *Config) *Server {
	t.Helper()
	var c Config
	if cfg != nil {
		c = *cfg
	}
	s := &Server{Root: t.TempDir(), readOnly: c.ReadOnly, conns: map[net.Conn]struct{}{}}
	_, hk, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	s.hostKey, err = ssh.NewSignerFromKey(hk)
	require.NoError(t, err)
	if len(c.AuthorizedKeys) == 0 {
		signer, pemKey := NewKey(t)
		s.clientPEM = pemKey
		c.AuthorizedKeys = []ssh.PublicKey{signer.PublicKey()}
	}
	s.config = &ssh.ServerConfig{PublicKeyCallback: authorize(c.AuthorizedKeys)}
	s.config.AddHostKey(s.hostKey)
	if len(c.Dirs) == 0 {
		c.Dirs = []string{"inbound"}
	}
	for _, d := range c.Dirs {
		require.NoError(t, os.MkdirAll(filepath.Join(s.Root, d), 0o755))
	}
	s.listener, err = net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	host, port, _ := net.SplitHostPort(s.listener.Addr().String())
	s.Host = host
	s.Port, _ = strconv.Atoi(port)
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.Close)
	return s
}

func authorize(keys []ssh.PublicKey) func(ssh.ConnMetadata, ssh.PublicKey) (*ssh.Permissions, error) {
	return func(md ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
		for _, k := range keys {
			if md.User() == User && string(k.Marshal()) == string(key.Marshal()) {
				return &ssh.Permissions{}, nil
			}
		}
		return nil, errors.New("sftptest: unknown key")
	}
}

// NewKey returns a new ed25519 client key and its OpenSSH PEM form, as an
// administrator would paste it.
func NewKey(t testing.TB) (ssh.Signer, string) {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	signer, err := ssh.NewSignerFromKey(k)
	require.NoError(t, err)
	block, err := ssh.MarshalPrivateKey(k, "intime test key")
	require.NoError(t, err)
	return signer, string(pem.EncodeToMemory(block))
}

// ClientKey returns the PEM private key New made and authorized ("" when
// [Config.AuthorizedKeys] was set).
func (s *Server) ClientKey() string { return s.clientPEM }

// HostKey returns the server's public host key in authorized_keys form.
func (s *Server) HostKey() string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.hostKey.PublicKey())))
}

// HostKeyFingerprint returns the host key's "SHA256:..." fingerprint.
func (s *Server) HostKeyFingerprint() string { return ssh.FingerprintSHA256(s.hostKey.PublicKey()) }

// Settings returns the settings of package sftpdrop that reach this
// server: as [User] with [Server.ClientKey], its host key pinned, files
// delivered to "inbound".
func (s *Server) Settings() providers.Settings {
	return providers.Settings{
		sftpdrop.FieldHost:       s.Host,
		sftpdrop.FieldPort:       strconv.Itoa(s.Port),
		sftpdrop.FieldUsername:   User,
		sftpdrop.FieldPrivateKey: s.ClientKey(),
		sftpdrop.FieldHostKey:    s.HostKey(),
		sftpdrop.FieldDirectory:  "inbound",
	}
}

// File returns the contents of the file at p under the root.
func (s *Server) File(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.Root, filepath.FromSlash(p)))
	require.NoError(t, err)
	return b
}

// Files lists the file names in folder dir under the root.
func (s *Server) Files(t testing.TB, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(filepath.Join(s.Root, filepath.FromSlash(dir)))
	require.NoError(t, err)
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

// Close stops listening, closes every connection and waits for them.
func (s *Server) Close() {
	_ = s.listener.Close()
	s.mu.Lock()
	for c := range s.conns {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.listener.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serveConn(c)
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
		}()
	}
}

func (s *Server) serveConn(c net.Conn) {
	defer c.Close()
	sc, chans, reqs, err := ssh.NewServerConn(c, s.config)
	if err != nil {
		return
	}
	defer sc.Close()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ssh.DiscardRequests(reqs)
	}()
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "only sessions")
			continue
		}
		ch, creqs, err := nc.Accept()
		if err != nil {
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.session(ch, creqs)
		}()
	}
}

// session serves the sftp subsystem on one channel.
func (s *Server) session(ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer ch.Close()
	for req := range reqs {
		ok := req.Type == "subsystem" && len(req.Payload) >= 4 && string(req.Payload[4:]) == "sftp"
		_ = req.Reply(ok, nil)
		if !ok {
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			ssh.DiscardRequests(reqs)
		}()
		opts := []sftp.ServerOption{sftp.WithServerWorkingDirectory(s.Root)}
		if s.readOnly {
			opts = append(opts, sftp.ReadOnly())
		}
		srv, err := sftp.NewServer(ch, opts...)
		if err != nil {
			return
		}
		_ = srv.Serve()
		_ = srv.Close()
		return
	}
}
