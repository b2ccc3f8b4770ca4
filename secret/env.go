package secret

import (
	"fmt"
	"os"
	"strings"
)

// DefaultKeyID is the ID given to a single bare key.
const DefaultKeyID = "k1"

// KeyringFromEnv builds a keyring from the environment variable name. The
// value is a comma-separated list of id:key pairs, oldest first (the last
// is the primary), e.g. "k1:<base64>,k2:<base64>", or a single bare key,
// which gets the ID "k1". See [ParseKeyring] for the format. Errors name the
// variable and never contain its value.
func KeyringFromEnv(name string) (*Keyring, error) {
	value, ok := os.LookupEnv(name)
	if !ok {
		return nil, fmt.Errorf("secret: environment variable %s is not set; %s", name, envHelp)
	}
	if strings.TrimSpace(value) == "" {
		return nil, fmt.Errorf("secret: environment variable %s is empty; %s", name, envHelp)
	}
	r, err := ParseKeyring(value)
	if err != nil {
		return nil, fmt.Errorf("%w (in environment variable %s)", err, name)
	}
	return r, nil
}

// envHelp tells the operator what to put in the variable.
const envHelp = "set it to id:key pairs separated by commas, oldest first, or to a single key " +
	"(generate one with: openssl rand -base64 32)"

// ParseKeyring builds a keyring from "id:key,id:key,..." (oldest first) or
// from a single bare key, which gets the ID [DefaultKeyID]. White space around
// entries is ignored. Each key is read by [ParseKey].
func ParseKeyring(spec string) (*Keyring, error) {
	spec = strings.TrimSpace(spec)
	if spec != "" && !strings.ContainsAny(spec, ":,") {
		k, err := ParseKey(DefaultKeyID, spec)
		if err != nil {
			return nil, err
		}
		return NewKeyring(k)
	}
	keys, err := parseEntries(spec)
	if err != nil {
		return nil, err
	}
	return NewKeyring(keys...)
}

// parseEntries parses the comma-separated id:key list.
func parseEntries(spec string) ([]Key, error) {
	var keys []Key
	for i, entry := range strings.Split(spec, ",") {
		id, encoded, ok := strings.Cut(strings.TrimSpace(entry), ":")
		if !ok {
			return nil, &KeyError{Problem: fmt.Sprintf("entry %d has no ID; write it as id:key", i+1)}
		}
		k, err := ParseKey(strings.TrimSpace(id), encoded)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}
