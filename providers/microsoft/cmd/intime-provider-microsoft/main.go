// Command intime-provider-microsoft serves the Microsoft 365 provider
// (package microsoft: Outlook calendar and Teams meetings) as a plugin for
// a providers.Host. It is started by the host, not by hand; the host passes
// the organization's OAuth access token with each call and keeps the
// refresh token.
package main

import (
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/microsoft"
)

func main() { providers.Serve(microsoft.New(nil)) }
