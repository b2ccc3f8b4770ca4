// Command intime-provider-jobboards serves the job boards provider (package
// jobboards) as a plugin for a providers.Host. It is started by the host, not
// by hand.
package main

import (
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/jobboards"
)

func main() { providers.Serve(jobboards.New(nil)) }
