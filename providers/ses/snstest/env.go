package snstest

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"regexp"

	"github.com/intimeos/integrations/providers/ses"
)

// The environment variables of [Server.Env].
const (
	EnvHost = "INTIME_SNSTEST_HOST"
	EnvCA   = "INTIME_SNSTEST_CA"
)

// Env returns the environment with which a plugin process of the test
// binary builds, with [ConfigFromEnv], an SES provider that fetches this
// server's certificate (providertest.PluginOpts.Env).
func (s *Server) Env() []string {
	return []string{EnvHost + "=" + s.Host.String(), EnvCA + "=" + string(s.tlsPEM)}
}

// ConfigFromEnv returns the SES provider configuration of a plugin process
// started with [Server.Env]: the server's host pattern and a client that
// trusts its TLS certificate. Without that environment it returns nil (the
// defaults), as in the test process itself.
func ConfigFromEnv() *ses.Config {
	host, ca := os.Getenv(EnvHost), os.Getenv(EnvCA)
	if host == "" || ca == "" {
		return nil
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM([]byte(ca)) {
		return nil
	}
	return &ses.Config{SNSHost: regexp.MustCompile(host), SNSClient: &http.Client{
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}},
	}}
}
