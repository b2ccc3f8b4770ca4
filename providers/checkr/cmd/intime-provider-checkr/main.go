// Command intime-provider-checkr serves the Checkr background check
// provider (package checkr) as a plugin for a providers.Host. It is started
// by the host, not by hand.
package main

import (
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/checkr"
)

func main() { providers.Serve(checkr.New(nil)) }
