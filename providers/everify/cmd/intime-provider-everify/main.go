// Command intime-provider-everify serves the E-Verify (USCIS) provider (package
// everify) as a plugin for a providers.Host. It is started by the host, not
// by hand.
package main

import (
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/everify"
)

func main() { providers.Serve(everify.New(nil)) }
