// Command intime-provider-linkedin serves the LinkedIn job posting provider
// (package linkedin) as a plugin for a providers.Host. It is started by the
// host, not by hand; the host passes the organization's OAuth access token
// with each call and keeps the OAuth app's credentials.
package main

import (
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/linkedin"
)

func main() { providers.Serve(linkedin.New(nil)) }
