// Command intime-provider-workday serves the Workday HRIS provider (package
// workday) as a plugin for a providers.Host. It is started by the host, not
// by hand; the host passes the organization's OAuth access token with each
// call and keeps the refresh token.
package main

import (
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/workday"
)

func main() { providers.Serve(workday.New(nil)) }
