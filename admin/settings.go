package admin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
)

// storedSettings reads an integration's stored config as the Manager
// writes it: a JSON object of strings (numbers and booleans as their text,
// lists of strings joined with commas).
func storedSettings(in *storage.Integration) (providers.Settings, error) {
	out := providers.Settings{}
	if len(bytes.TrimSpace(in.Config)) == 0 {
		return out, nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(in.Config, &raw); err != nil {
		return nil, fmt.Errorf("admin: stored settings are not a JSON object: %w", err)
	}
	for k, v := range raw {
		out[k] = settingText(v)
	}
	return out, nil
}

func settingText(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(v, &list) == nil {
		return strings.Join(list, ",")
	}
	if t := string(bytes.TrimSpace(v)); t != "null" {
		return t
	}
	return ""
}

// secretNames are settings that hold a credential whatever the provider's
// fields say: the OAuth form's client secret, and names that read as one.
var secretNames = []string{"secret", "password", "token", "apikey", "privatekey", "credential"}

// isSecret reports whether a setting is a credential: a secret field of
// the provider, or a name that reads as one (the OAuth client secret of a
// provider whose own fields do not list it).
func isSecret(name string, fields []providers.Field) bool {
	for _, f := range fields {
		if f.Name == name {
			if f.Secret {
				return true
			}
			break
		}
	}
	n := strings.ToLower(name)
	for _, s := range secretNames {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// maskedSettings masks every credential of s that the Manager left in
// clear; values already masked stay as they are.
func maskedSettings(s providers.Settings, fields []providers.Field) map[string]string {
	out := make(map[string]string, len(s))
	for k, v := range s {
		if v != "" && isSecret(k, fields) && !isMasked(v) {
			v = secret.Mask(v)
		}
		out[k] = v
	}
	return out
}

// isMasked reports a value as secret.Mask shows one.
func isMasked(v string) bool { return strings.HasPrefix(v, "••••") }

// unmask puts back the stored value of every setting sent back as it was
// shown (masked), so that a form saved or tested unchanged keeps its
// credentials whether or not the provider marks them secret.
func unmask(in, stored providers.Settings) providers.Settings {
	out := make(providers.Settings, len(in))
	for k, v := range in {
		if old := stored[k]; old != "" && v == secret.Mask(old) {
			v = old
		}
		out[k] = v
	}
	return out
}

// oauthKeys are the OAuth form's settings (§17), as the Manager stores
// them beside the provider's own.
var oauthKeys = []string{oauth.FieldProvider, oauth.FieldClientID, oauth.FieldClientSecret, oauth.FieldScopes,
	oauth.FieldTenant, oauth.FieldAuthURL, oauth.FieldTokenURL, oauth.FieldIssuerURL, oauth.FieldAuthStyle}

func isOAuthKey(k string) bool { return contains(oauthKeys, k) }

// oauthSettingsMap writes the OAuth form as settings (scopes joined with
// commas, as providers.Settings holds lists).
func oauthSettingsMap(s *oauth.Settings) providers.Settings {
	out := providers.Settings{oauth.FieldProvider: s.Provider, oauth.FieldClientID: s.ClientID,
		oauth.FieldClientSecret: s.ClientSecret, oauth.FieldScopes: strings.Join(s.Scopes, ",")}
	for k, v := range map[string]string{oauth.FieldTenant: s.Tenant, oauth.FieldAuthURL: s.AuthURL,
		oauth.FieldTokenURL: s.TokenURL, oauth.FieldIssuerURL: s.IssuerURL, oauth.FieldAuthStyle: s.AuthStyle} {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

// formField is a provider's setting as a form shows it: the field's rules
// (for the input's attributes), the value typed or stored (a stored secret
// masked) and its message.
type formField struct {
	providers.Field
	Value string
	Error string
	// Stored marks a secret of a saved integration: shown masked, with
	// Show and Regenerate.
	Stored bool
}

// InputType is the HTML input type of a text-like field.
func (f *formField) InputType() string {
	switch f.Type {
	case providers.FieldPassword:
		return "password"
	case providers.FieldNumber:
		return "number"
	case providers.FieldEmail:
		return "email"
	case providers.FieldURL:
		return "url"
	}
	if f.Secret {
		return "password"
	}
	return "text"
}

// Long reports a field for long text (a PEM bundle): a text area.
func (f *formField) Long() bool {
	return f.MaxLength > 1000 && !f.Secret && f.Type == providers.FieldText
}

// formFields builds a form's fields from a provider's, in its order,
// leaving out the OAuth form's (which have a form of their own).
func formFields(fields []providers.Field, values map[string]string, errs map[string]string, saved bool) []*formField {
	out := make([]*formField, 0, len(fields))
	for _, f := range fields {
		if isOAuthKey(f.Name) {
			continue
		}
		v, ok := values[f.Name]
		if !ok {
			v = f.Default
		}
		ff := &formField{Field: f, Value: v, Error: errs[f.Name]}
		if isSecret(f.Name, fields) {
			ff.Secret = true
			ff.Stored = saved && v != ""
			if !saved {
				ff.Value = "" // a secret typed into an unsaved form is not sent back
			}
		}
		out = append(out, ff)
	}
	return out
}
