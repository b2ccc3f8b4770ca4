// Command intime-provider-adp serves the ADP payroll provider (package adp)
// as a plugin for a providers.Host. It is started by the host, not by hand.
package main

import (
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/adp"
)

func main() { providers.Serve(adp.New(nil)) }
