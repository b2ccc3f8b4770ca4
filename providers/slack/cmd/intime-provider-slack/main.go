// Command intime-provider-slack serves the Slack provider (package slack) as
// a plugin for a providers.Host. It is started by the host, not by hand.
package main

import (
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/slack"
)

func main() { providers.Serve(slack.New(nil)) }
