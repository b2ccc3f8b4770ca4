package sftpdrop

import (
	"errors"
	"path"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/intimeos/integrations/providers"
)

// The settings keys, shared by every provider that delivers files with
// this package.
const (
	// FieldHost is the SFTP server's host name or IP address (required).
	FieldHost = "sftpHost"
	// FieldPort is its port (default [DefaultPort]).
	FieldPort = "sftpPort"
	// FieldUsername is the account's user name (required).
	FieldUsername = "sftpUsername"
	// FieldPrivateKey is the account's private key, OpenSSH or PEM
	// (required, secret). Password authentication is not offered.
	FieldPrivateKey = "sftpPrivateKey"
	// FieldKeyPassphrase unlocks an encrypted private key (secret).
	FieldKeyPassphrase = "sftpKeyPassphrase"
	// FieldHostKey pins the server: its public host key as in
	// known_hosts or authorized_keys ("ssh-ed25519 AAAA..."), or the
	// key's SHA256 fingerprint ("SHA256:..."), as ssh-keygen -lf prints it
	// (required).
	FieldHostKey = "sftpHostKey"
	// FieldDirectory is the folder files are delivered to (default: the
	// account's login folder).
	FieldDirectory = "sftpDirectory"
)

// DefaultPort is SSH's port.
const DefaultPort = 22

// The settings' validation messages.
const (
	msgHostEmpty         = "SFTP host is required"
	msgHostInvalid       = "Please enter a valid hostname or IP address"
	msgPortInvalid       = "Please enter a valid port number"
	msgUsernameEmpty     = "SFTP username is required"
	msgKeyEmpty          = "SFTP private key is required"
	msgKeyInvalid        = "Please enter an OpenSSH or PEM private key"
	msgPassphraseMissing = "This private key is encrypted: enter its passphrase"
	msgPassphraseWrong   = "The passphrase does not unlock the private key"
	msgHostKeyEmpty      = "SFTP host key is required"
	msgHostKeyInvalid    = "Please enter the server's public host key or its SHA256 fingerprint"
	msgDirectoryInvalid  = "Please enter a folder path without control characters or .."
)

// Fields returns the SFTP fields in display order, for a provider's
// [providers.Info.Fields].
func Fields() []providers.Field {
	return []providers.Field{
		{Name: FieldHost, Label: "SFTP Host", Type: providers.FieldHost, Required: true, MaxLength: 255,
			Placeholder: "sftp.carrier.example.com", Messages: providers.FieldMessages{Empty: msgHostEmpty, Invalid: msgHostInvalid}},
		{Name: FieldPort, Label: "SFTP Port", Type: providers.FieldNumber, Default: strconv.Itoa(DefaultPort), Min: 1, Max: 65535,
			Messages: providers.FieldMessages{Invalid: msgPortInvalid, BelowMin: msgPortInvalid, AboveMax: msgPortInvalid}},
		{Name: FieldUsername, Label: "SFTP Username", Type: providers.FieldText, Required: true, MaxLength: 255,
			Messages: providers.FieldMessages{Empty: msgUsernameEmpty}},
		{Name: FieldPrivateKey, Label: "SFTP Private Key", Type: providers.FieldPassword, Required: true, Secret: true,
			MaxLength: 20000, Placeholder: "-----BEGIN OPENSSH PRIVATE KEY-----",
			Messages: providers.FieldMessages{Empty: msgKeyEmpty, Invalid: msgKeyInvalid, TooLong: msgKeyInvalid}},
		{Name: FieldKeyPassphrase, Label: "Private Key Passphrase", Type: providers.FieldPassword, Secret: true, MaxLength: 1000},
		{Name: FieldHostKey, Label: "SFTP Host Key", Type: providers.FieldText, Required: true, MaxLength: 20000,
			Placeholder: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA... or SHA256:...",
			Messages:    providers.FieldMessages{Empty: msgHostKeyEmpty, Invalid: msgHostKeyInvalid, TooLong: msgHostKeyInvalid}},
		{Name: FieldDirectory, Label: "Upload Folder", Type: providers.FieldText, MaxLength: 500, Placeholder: "/inbound",
			Messages: providers.FieldMessages{Invalid: msgDirectoryInvalid}},
	}
}

// Target is where and how files are delivered: parsed, valid SFTP
// settings.
type Target struct {
	Host string
	Port int
	User string
	// Signer authenticates the account.
	Signer ssh.Signer
	// HostKey is the pinned server key.
	HostKey *HostKey
	// Dir is the upload folder, "" for the login folder.
	Dir string
}

// Addr returns "host:port".
func (t *Target) Addr() string { return joinHostPort(t.Host, t.Port) }

// ParseSettings validates the SFTP fields of s with [Fields]'s rules and
// returns the target, or the invalid fields with their messages (nil
// target). Providers add the errors to those of their other fields.
func ParseSettings(s providers.Settings) (*Target, []providers.FieldError) {
	var errs []providers.FieldError
	if err := providers.ValidateSettings(Fields(), s); err != nil {
		errs = err.(*providers.ValidationError).Fields
	}
	bad := func(f string) bool {
		for _, e := range errs {
			if e.Field == f {
				return true
			}
		}
		return false
	}
	add := func(f, msg string) { errs = append(errs, providers.FieldError{Field: f, Message: msg}) }
	t := &Target{Host: strings.TrimSpace(s[FieldHost]), Port: DefaultPort, User: s[FieldUsername],
		Dir: strings.TrimSpace(s[FieldDirectory])}
	if p, err := strconv.Atoi(strings.TrimSpace(s[FieldPort])); err == nil {
		t.Port = p
	}
	if !bad(FieldPrivateKey) && strings.TrimSpace(s[FieldPrivateKey]) != "" {
		var field, msg string
		t.Signer, field, msg = parseKey(s[FieldPrivateKey], s[FieldKeyPassphrase])
		if msg != "" {
			add(field, msg)
		}
	}
	if !bad(FieldHostKey) && strings.TrimSpace(s[FieldHostKey]) != "" {
		var err error
		if t.HostKey, err = ParseHostKey(s[FieldHostKey]); err != nil {
			add(FieldHostKey, msgHostKeyInvalid)
		}
	}
	if !validDir(t.Dir) {
		add(FieldDirectory, msgDirectoryInvalid)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return t, nil
}

// parseKey returns the key's signer, or the field and message to show.
// The parser's own error text is not kept: it may describe the key.
func parseKey(pemKey, passphrase string) (ssh.Signer, string, string) {
	signer, err := ssh.ParsePrivateKey([]byte(pemKey))
	var missing *ssh.PassphraseMissingError
	switch {
	case err == nil:
		return signer, "", ""
	case !errors.As(err, &missing):
		return nil, FieldPrivateKey, msgKeyInvalid
	case passphrase == "":
		return nil, FieldKeyPassphrase, msgPassphraseMissing
	}
	if signer, err = ssh.ParsePrivateKeyWithPassphrase([]byte(pemKey), []byte(passphrase)); err != nil {
		return nil, FieldKeyPassphrase, msgPassphraseWrong
	}
	return signer, "", ""
}

// validDir accepts "", absolute and relative folder paths without control
// characters or ".." elements.
func validDir(d string) bool {
	if strings.ContainsFunc(d, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return false
	}
	for _, el := range strings.Split(d, "/") {
		if el == ".." {
			return false
		}
	}
	return true
}

// remotePath joins the upload folder and a file name.
func (t *Target) remotePath(name string) string {
	if t.Dir == "" {
		return name
	}
	return path.Join(t.Dir, name)
}
