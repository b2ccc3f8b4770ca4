package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/intimeos/integrations/secret"
)

// devKeyFile holds the development key the demo generates on its first
// run, beside its database.
const devKeyFile = "dev.key"

// keyring returns the key that seals the demo's secrets: INTIME_SECRET_KEY
// when set, else the development key of dir, made on the first run (and
// said so, with a warning: it is for the demo only).
func keyring(dir string, out io.Writer) (*secret.Keyring, error) {
	if os.Getenv("INTIME_SECRET_KEY") != "" {
		return secret.KeyringFromEnv("INTIME_SECRET_KEY")
	}
	path := filepath.Join(dir, devKeyFile)
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		return secret.ParseKeyring(strings.TrimSpace(string(b)))
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	k, err := secret.GenerateKey(secret.DefaultKeyID)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(k.ID+":"+k.Encode()+"\n"), 0o600); err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "WARNING: generated a development key in %s (mode 0600).\n"+
		"         It seals this demo's secrets; use it for the demo only. A real host sets\n"+
		"         INTIME_SECRET_KEY from its secret store (openssl rand -base64 32).\n", path)
	return secret.NewKeyring(k)
}
