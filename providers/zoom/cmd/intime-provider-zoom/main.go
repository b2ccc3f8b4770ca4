// Command intime-provider-zoom serves the Zoom provider (package zoom) as a
// plugin for a providers.Host. It is started by the host, not by hand; the
// host passes the organization's OAuth access token with each call and
// keeps the refresh token.
package main

import (
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/zoom"
)

func main() { providers.Serve(zoom.New(nil)) }
