// Command intime-provider-twilio serves the Twilio SMS provider (package
// twilio) as a plugin for a providers.Host. It is started by the host, not
// by hand.
package main

import (
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/twilio"
)

func main() { providers.Serve(twilio.New(nil)) }
