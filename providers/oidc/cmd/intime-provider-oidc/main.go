// Command intime-provider-oidc serves the OpenID Connect SSO provider
// (package oidc: Okta, Auth0, any OpenID Connect issuer) as a plugin for a
// providers.Host. It is started by the host, not by hand.
package main

import (
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/oidc"
)

func main() { providers.Serve(oidc.New(nil)) }
