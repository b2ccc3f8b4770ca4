package adp

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net/url"
	"strings"

	"github.com/intimeos/integrations/providers"
)

// The default endpoints.
const (
	// DefaultBaseURL is ADP's API.
	DefaultBaseURL = "https://api.adp.com"
	// DefaultTokenURL is ADP's OAuth 2.0 token endpoint.
	DefaultTokenURL = "https://accounts.adp.com/auth/oauth/v2/token"
)

// The settings keys.
const (
	// FieldClientID is the API client's ID (required).
	FieldClientID = "clientId"
	// FieldClientSecret is the API client's secret (required, secret).
	FieldClientSecret = "clientSecret"
	// FieldClientCertificate is the client certificate ADP issued, PEM,
	// optionally followed by its intermediates (required).
	FieldClientCertificate = "clientCertificate"
	// FieldClientKey is the certificate's private key, PEM (required,
	// secret).
	FieldClientKey = "clientKey"
	// FieldCACertificate are extra roots to trust for ADP's servers, PEM
	// (optional; the system roots are always trusted).
	FieldCACertificate = "caCertificate"
	// FieldBaseURL overrides [DefaultBaseURL] (optional).
	FieldBaseURL = "baseUrl"
	// FieldTokenURL overrides [DefaultTokenURL] (optional).
	FieldTokenURL = "tokenUrl"
)

// The settings' validation messages.
const (
	msgClientIDEmpty     = "Client ID is required"
	msgClientSecretEmpty = "Client Secret is required"
	msgCertEmpty         = "Client Certificate is required"
	msgCertInvalid       = "Please enter the client certificate ADP issued, in PEM format"
	msgCertExpired       = "The client certificate has expired"
	msgKeyEmpty          = "Client Private Key is required"
	msgKeyInvalid        = "Please enter the PEM private key of the client certificate"
	msgCAInvalid         = "Please enter a valid PEM CA certificate"
	msgURLInvalid        = "Please enter a valid https URL"
)

func fields() []providers.Field {
	return []providers.Field{
		{Name: FieldClientID, Label: "Client ID", Type: providers.FieldText, Required: true, MaxLength: 200,
			Messages: providers.FieldMessages{Empty: msgClientIDEmpty}},
		{Name: FieldClientSecret, Label: "Client Secret", Type: providers.FieldPassword, Required: true, Secret: true,
			MaxLength: 500, Messages: providers.FieldMessages{Empty: msgClientSecretEmpty}},
		{Name: FieldClientCertificate, Label: "Client Certificate (PEM)", Type: providers.FieldText, Required: true,
			Placeholder: "-----BEGIN CERTIFICATE-----", Messages: providers.FieldMessages{Empty: msgCertEmpty, Invalid: msgCertInvalid}},
		{Name: FieldClientKey, Label: "Client Private Key (PEM)", Type: providers.FieldPassword, Required: true, Secret: true,
			Placeholder: "-----BEGIN PRIVATE KEY-----", Messages: providers.FieldMessages{Empty: msgKeyEmpty, Invalid: msgKeyInvalid}},
		{Name: FieldCACertificate, Label: "CA Certificate (PEM)", Type: providers.FieldText,
			Messages: providers.FieldMessages{Invalid: msgCAInvalid}},
		{Name: FieldBaseURL, Label: "API Base URL", Type: providers.FieldURL, Default: DefaultBaseURL,
			Placeholder: DefaultBaseURL, MaxLength: 500, Messages: providers.FieldMessages{Invalid: msgURLInvalid}},
		{Name: FieldTokenURL, Label: "Token URL", Type: providers.FieldURL, Default: DefaultTokenURL,
			Placeholder: DefaultTokenURL, MaxLength: 500, Messages: providers.FieldMessages{Invalid: msgURLInvalid}},
	}
}

// settings are parsed, valid settings.
type settings struct {
	clientID, clientSecret string
	cert                   tls.Certificate
	// roots is nil for the system roots.
	roots *x509.CertPool
	// base is the API base URL without a trailing slash.
	base, tokenURL string
	// key identifies the credentials: the cache key of their session.
	key [32]byte
	// secrets are the values to redact from messages.
	secrets []string
}

// parseSettings validates s and returns its values, or a
// *providers.ValidationError with one message per invalid field.
func (p *Provider) parseSettings(s providers.Settings) (*settings, error) {
	var ve providers.ValidationError
	if err := providers.ValidateSettings(fields(), s); err != nil {
		ve = *err.(*providers.ValidationError)
	}
	ok := func(field string) bool { return ve.Field(field) == "" && strings.TrimSpace(s[field]) != "" }
	add := func(field, msg string) {
		ve.Fields = append(ve.Fields, providers.FieldError{Field: field, Message: msg})
	}
	st := &settings{clientID: s[FieldClientID], clientSecret: s[FieldClientSecret],
		base: orDefault(s[FieldBaseURL], DefaultBaseURL), tokenURL: orDefault(s[FieldTokenURL], DefaultTokenURL),
		secrets: []string{s[FieldClientSecret], strings.TrimSpace(s[FieldClientKey])}}
	if ok(FieldClientCertificate) {
		if msg := p.checkCert(s[FieldClientCertificate]); msg != "" {
			add(FieldClientCertificate, msg)
		} else if ok(FieldClientKey) {
			var err error
			// The error's text is not kept: it may describe the key.
			if st.cert, err = tls.X509KeyPair([]byte(s[FieldClientCertificate]), []byte(s[FieldClientKey])); err != nil {
				add(FieldClientKey, msgKeyInvalid)
			}
		}
	}
	if ok(FieldCACertificate) {
		st.roots = x509.NewCertPool()
		if !st.roots.AppendCertsFromPEM([]byte(s[FieldCACertificate])) {
			add(FieldCACertificate, msgCAInvalid)
		}
	}
	for _, f := range []string{FieldBaseURL, FieldTokenURL} {
		if ok(f) && !secureURL(s[f]) {
			add(f, msgURLInvalid)
		}
	}
	if len(ve.Fields) > 0 {
		return nil, &ve
	}
	st.base = strings.TrimRight(st.base, "/")
	st.key = cacheKey(s)
	return st, nil
}

// checkCert returns "" if certPEM starts with a certificate that has not
// expired, else the message of what is wrong.
func (p *Provider) checkCert(certPEM string) string {
	block, _ := pem.Decode([]byte(strings.TrimSpace(certPEM)))
	if block == nil || block.Type != "CERTIFICATE" {
		return msgCertInvalid
	}
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return msgCertInvalid
	}
	if p.cfg.Now().After(leaf.NotAfter) {
		return msgCertExpired
	}
	return ""
}

// cacheKey identifies the credentials and endpoints that a session (token
// source and connections) depends on, without keeping the secrets.
func cacheKey(s providers.Settings) [32]byte {
	h := sha256.New()
	for _, f := range []string{FieldClientID, FieldClientSecret, FieldClientCertificate, FieldClientKey,
		FieldCACertificate, FieldTokenURL} {
		h.Write([]byte(s[f]))
		h.Write([]byte{0})
	}
	var k [32]byte
	h.Sum(k[:0])
	return k
}

func orDefault(v, def string) string {
	if v = strings.TrimSpace(v); v != "" {
		return v
	}
	return def
}

// secureURL reports whether u is an https URL without credentials: ADP is
// mutual TLS only.
func secureURL(u string) bool {
	pu, err := url.Parse(u)
	return err == nil && pu.Scheme == "https" && pu.Host != "" && pu.User == nil
}

// tlsConfig is the mutual TLS configuration of every connection to ADP.
func (st *settings) tlsConfig() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{st.cert}, RootCAs: st.roots}
}

// redact removes the secret and the key from text that may echo them.
func (st *settings) redact(s string) string {
	for _, v := range st.secrets {
		if v != "" {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
	}
	return s
}
