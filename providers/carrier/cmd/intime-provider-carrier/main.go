// Command intime-provider-carrier serves the benefits carrier provider
// (package carrier: 834 enrolment files over SFTP to BCBS, Delta Dental or
// VSP) as a plugin for a providers.Host. It is started by the host, not by
// hand.
package main

import (
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/carrier"
)

func main() { providers.Serve(carrier.New(nil)) }
