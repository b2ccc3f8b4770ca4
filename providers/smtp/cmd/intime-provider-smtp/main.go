// Command intime-provider-smtp is the SMTP email provider as a plugin
// binary: a host loads it with providers.Host.LoadDir.
package main

import (
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/smtp"
)

func main() { providers.Serve(smtp.New(nil)) }
