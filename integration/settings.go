package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/secret"
)

// reservedPrefix starts the settings keys the Manager adds to a call
// ([providers.SettingAccessToken]); stored settings never hold them.
const reservedPrefix = "_"

// decodeSettings reads an integration's stored config: a JSON object whose
// values are strings (numbers and booleans are read as their text, lists
// of strings are joined with commas, as [providers.Settings] says).
func decodeSettings(config []byte) (providers.Settings, error) {
	var raw map[string]json.RawMessage
	if len(bytes.TrimSpace(config)) == 0 {
		return providers.Settings{}, nil
	}
	if err := json.Unmarshal(config, &raw); err != nil {
		return nil, fmt.Errorf("integration: stored settings are not a JSON object: %w", err)
	}
	out := make(providers.Settings, len(raw))
	for k, v := range raw {
		s, err := settingText(v)
		if err != nil {
			return nil, fmt.Errorf("integration: stored setting %q: %w", k, err)
		}
		out[k] = s
	}
	return out, nil
}

func settingText(v json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		return s, nil
	}
	var list []string
	if err := json.Unmarshal(v, &list); err == nil {
		return strings.Join(list, ","), nil
	}
	var n json.Number
	if err := json.Unmarshal(v, &n); err == nil {
		return n.String(), nil
	}
	var b bool
	if err := json.Unmarshal(v, &b); err == nil {
		return strconv.FormatBool(b), nil
	}
	if bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
		return "", nil
	}
	return "", fmt.Errorf("not a string, number, boolean or list of strings")
}

// encodeSettings writes settings as the stored config, without reserved
// keys.
func encodeSettings(s providers.Settings) (json.RawMessage, error) {
	clean := make(map[string]string, len(s))
	for k, v := range s {
		if !strings.HasPrefix(k, reservedPrefix) {
			clean[k] = v
		}
	}
	return json.Marshal(clean)
}

// cleanSettings returns a copy of s without reserved keys, trimmed of
// surrounding spaces except in secret fields (a password may end with a
// space).
func cleanSettings(s providers.Settings, fields []providers.Field) providers.Settings {
	out := make(providers.Settings, len(s))
	for k, v := range s {
		if strings.HasPrefix(k, reservedPrefix) {
			continue
		}
		if f, ok := field(fields, k); !ok || !f.Secret {
			v = strings.TrimSpace(v)
		}
		out[k] = v
	}
	return out
}

// field returns the field named name.
func field(fields []providers.Field, name string) (providers.Field, bool) {
	for _, f := range fields {
		if f.Name == name {
			return f, true
		}
	}
	return providers.Field{}, false
}

// maskSettings returns a copy of s with every secret field masked as
// [secret.Mask] does.
func maskSettings(s providers.Settings, fields []providers.Field) providers.Settings {
	out := maps.Clone(s)
	for _, f := range fields {
		if f.Secret {
			if v, ok := out[f.Name]; ok {
				out[f.Name] = secret.Mask(v)
			}
		}
	}
	return out
}

// maskAll masks every value: for settings whose provider is unknown.
func maskAll(s providers.Settings) providers.Settings {
	out := make(providers.Settings, len(s))
	for k, v := range s {
		out[k] = secret.Mask(v)
	}
	return out
}

// keepMaskedSecrets returns the settings to save for an update: a secret
// field sent back as it was shown (masked), or left out, keeps its stored
// value; any other value replaces it.
func keepMaskedSecrets(in, stored providers.Settings, fields []providers.Field) providers.Settings {
	out := maps.Clone(in)
	for _, f := range fields {
		if !f.Secret {
			continue
		}
		old, had := stored[f.Name]
		v, sent := out[f.Name]
		if had && (!sent || (old != "" && v == secret.Mask(old))) {
			out[f.Name] = old
		}
	}
	return out
}

// secretValues returns the values of the secret fields, to scrub them from
// error texts before those are logged.
func secretValues(s providers.Settings, fields []providers.Field) []string {
	var out []string
	for _, f := range fields {
		if v := s[f.Name]; f.Secret && len(v) >= 4 {
			out = append(out, v)
		}
	}
	return out
}

// scrub replaces every secret value in text by its mask.
func scrub(text string, secrets []string) string {
	for _, v := range secrets {
		if strings.Contains(text, v) {
			text = strings.ReplaceAll(text, v, secret.Mask(v))
		}
	}
	return text
}

// endpointOf returns "host:port" of the service the settings point at, for
// log entries ("smtp.sendgrid.net:587"): a host field with a port field,
// or a URL field. "" when the settings name none.
func endpointOf(s providers.Settings, fields []providers.Field) string {
	var host, port string
	for _, f := range fields {
		v := strings.TrimSpace(s[f.Name])
		switch {
		case v == "":
		case f.Type == providers.FieldHost && host == "":
			host = strings.TrimSuffix(v, ".")
		case f.Type != providers.FieldPassword && strings.HasSuffix(strings.ToLower(f.Name), "port") && port == "":
			port = v
		}
	}
	if host != "" {
		if port == "" {
			return host
		}
		return net.JoinHostPort(host, port)
	}
	for _, f := range fields {
		if f.Type != providers.FieldURL || s[f.Name] == "" {
			continue
		}
		if u, err := url.Parse(s[f.Name]); err == nil && u.Hostname() != "" {
			return hostPort(u)
		}
	}
	return ""
}

// hostPort returns a URL's host and port, the scheme's default port when
// it names none.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	if port == "" {
		return u.Hostname()
	}
	return net.JoinHostPort(u.Hostname(), port)
}
