// Command intime-provider-paychex serves the Paychex provider (package
// paychex) as a plugin for a providers.Host. It is started by the host, not
// by hand.
package main

import (
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/paychex"
)

func main() { providers.Serve(paychex.New(nil)) }
