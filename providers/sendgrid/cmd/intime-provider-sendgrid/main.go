// Command intime-provider-sendgrid is the SendGrid email provider as a
// plugin binary: a host loads it with providers.Host.LoadDir.
package main

import (
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/sendgrid"
)

func main() { providers.Serve(sendgrid.New(nil)) }
