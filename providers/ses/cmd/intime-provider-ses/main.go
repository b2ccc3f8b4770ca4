// Command intime-provider-ses is the Amazon SES email provider as a plugin
// binary: a host loads it with providers.Host.LoadDir.
package main

import (
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/ses"
)

func main() { providers.Serve(ses.New(nil)) }
