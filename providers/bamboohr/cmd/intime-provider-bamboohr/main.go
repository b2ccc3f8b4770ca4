// Command intime-provider-bamboohr serves the BambooHR provider (package
// bamboohr) as a plugin for a providers.Host. It is started by the host, not
// by hand.
package main

import (
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/bamboohr"
)

func main() { providers.Serve(bamboohr.New(nil)) }
