// Command intime-provider-s3 serves the AWS S3 document storage provider
// (package s3) as a plugin for a providers.Host. It is started by the
// host, not by hand.
package main

import (
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/s3"
)

func main() { providers.Serve(s3.New(nil)) }
