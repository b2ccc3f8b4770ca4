// Command intime-provider-recordkeeper serves the 401(k) recordkeeper
// provider (package recordkeeper: contribution files over SFTP to Fidelity
// or Vanguard) as a plugin for a providers.Host. It is started by the
// host, not by hand.
package main

import (
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/recordkeeper"
)

func main() { providers.Serve(recordkeeper.New(nil)) }
