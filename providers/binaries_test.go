package providers_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
)

// shippedPlugins are the plugin binaries of the module: the package to build
// and the provider name each must announce.
var shippedPlugins = map[string]string{
	"./adp/cmd/intime-provider-adp":                   "adp",
	"./bamboohr/cmd/intime-provider-bamboohr":         "bamboohr",
	"./carrier/cmd/intime-provider-carrier":           "carrier",
	"./checkr/cmd/intime-provider-checkr":             "checkr",
	"./everify/cmd/intime-provider-everify":           "everify",
	"./google/cmd/intime-provider-google":             "google",
	"./jobboards/cmd/intime-provider-jobboards":       "jobboards",
	"./linkedin/cmd/intime-provider-linkedin":         "linkedin",
	"./microsoft/cmd/intime-provider-microsoft":       "microsoft",
	"./oidc/cmd/intime-provider-oidc":                 "oidc",
	"./paychex/cmd/intime-provider-paychex":           "paychex",
	"./recordkeeper/cmd/intime-provider-recordkeeper": "recordkeeper",
	"./ringcentral/cmd/intime-provider-ringcentral":   "ringcentral",
	"./s3/cmd/intime-provider-s3":                     "s3",
	"./sendgrid/cmd/intime-provider-sendgrid":         "sendgrid",
	"./ses/cmd/intime-provider-ses":                   "ses",
	"./slack/cmd/intime-provider-slack":               "slack",
	"./smtp/cmd/intime-provider-smtp":                 "smtp",
	"./twilio/cmd/intime-provider-twilio":             "twilio",
	"./workday/cmd/intime-provider-workday":           "workday",
	"./zoom/cmd/intime-provider-zoom":                 "zoom",
}

// TestShippedPluginBinaries builds every provider's plugin binary, loads the
// directory the way a host deploys it (SHA256SUMS checked), and checks that
// each binary speaks the protocol: it announces its name and its field rules
// come back across the boundary as a validation error.
func TestShippedPluginBinaries(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	args := []string{"build", "-o", dir + string(os.PathSeparator)}
	for pkg := range shippedPlugins {
		args = append(args, pkg)
	}
	out, err := exec.Command("go", args...).CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	writeSums(t, dir, sumsOf(t, dir))

	host, err := providers.NewHost(nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, host.Close()) })
	ctx := context.Background()
	loaded, err := host.LoadDir(ctx, dir, nil)
	require.NoError(t, err)
	require.Len(t, loaded, len(shippedPlugins))
	for _, name := range shippedPlugins {
		t.Run(name, func(t *testing.T) {
			p, err := host.Provider(name)
			require.NoError(t, err)
			info, err := p.Info(ctx)
			require.NoError(t, err)
			require.Equal(t, name, info.Name)
			require.NotEmpty(t, info.Fields, "the plugin declares its configuration fields")
			var verr *providers.ValidationError
			require.ErrorAs(t, p.Validate(ctx, providers.Settings{}), &verr, "empty settings fail validation")
			require.NotEmpty(t, verr.Fields)
		})
	}
}

// sumsOf renders the directory's files as sha256sum(1) would.
func sumsOf(t *testing.T, dir string) string {
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var sb strings.Builder
	for _, e := range entries {
		fmt.Fprintf(&sb, "%s  %s\n", hex.EncodeToString(sha256File(t, filepath.Join(dir, e.Name()))), e.Name())
	}
	return sb.String()
}
