package webhook_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/webhook"
)

// TestSubscriptionURLRules: URLs with white space, a fragment or characters
// a URL cannot hold are invalid, and an IP address (or localhost) the SSRF
// guard would refuse at every attempt is refused when the subscription is
// created or updated, unless Config.AllowAddrs admits it. They used to be
// accepted, and the private ones failed only at send.
func TestSubscriptionURLRules(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be, nil) // AllowAddrs: loopback, for the receiver
		n := 0
		create := func(url string) (*webhook.Subscription, string) {
			n++
			name := fmt.Sprintf("url %d", n)
			s, err := b.d.SubscriptionCreate(b.ctx, &webhook.SubscriptionCreateParams{OrganizationID: b.org, Name: name,
				URL: url, Events: []string{webhook.EventJobCreated}})
			if err == nil {
				return s, ""
			}
			var ve *webhook.ValidationError
			require.ErrorAs(t, err, &ve, url)
			require.Len(t, ve.Fields, 1, url)
			return nil, ve.Field(webhook.FieldURL)
		}
		for url, want := range map[string]string{
			"https://example.com/a b":              webhook.MsgURLInvalid,
			"https://example.com/a\tb":             webhook.MsgURLInvalid,
			"https://example.com/a\u00a0b":         webhook.MsgURLInvalid,
			"https://example.com/hook#frag":        webhook.MsgURLInvalid,
			"https://example.com/hook#":            webhook.MsgURLInvalid,
			"https://example.com/<script>":         webhook.MsgURLInvalid,
			"https://example.com/a|b":              webhook.MsgURLInvalid,
			"https://2130706433/hook":              webhook.MsgURLInvalid, // 127.0.0.1 to some resolvers
			"https://127.1/hook":                   webhook.MsgURLInvalid,
			"https://0x7f.1/hook":                  webhook.MsgURLInvalid,
			"https://10.0.0.1/hook":                webhook.MsgURLNotPublic,
			"https://192.168.1.20:8443/hook":       webhook.MsgURLNotPublic,
			"https://169.254.169.254/latest":       webhook.MsgURLNotPublic,
			"https://[fd00:ec2::254]/latest":       webhook.MsgURLNotPublic,
			"https://[::ffff:10.0.0.1]/hook":       webhook.MsgURLNotPublic,
			"https://[fe80::1%25eth0]/hook":        webhook.MsgURLNotPublic,
			"https://0.0.0.0/hook":                 webhook.MsgURLNotPublic,
			"https://93.184.215.14/hook":           "", // public
			"https://[2606:4700:4700::1111]/hook":  "",
			"https://example.com/a%20b?q=1&r=%23x": "",
			"https://hooks.example.com./x":         "",
			"https://ex4mple.com1.io/x":            "",
			"https://127.0.0.1:8443/hook":          "", // loopback, which AllowAddrs admits
			"https://localhost:8443/hook":          "",
			"https://例え.jp/パス":                     "",
		} {
			_, got := create(url)
			require.Equal(t, want, got, url)
		}

		// An update is held to the same rules and changes nothing when
		// refused.
		s, msg := create("https://example.com/hook")
		require.Empty(t, msg)
		for _, url := range []string{"https://10.0.0.1/hook", "https://example.com/a b", "https://example.com/#x"} {
			_, err := b.d.SubscriptionUpdate(b.ctx, &webhook.SubscriptionUpdateParams{OrganizationID: b.org, ID: s.ID, URL: &url})
			var ve *webhook.ValidationError
			require.ErrorAs(t, err, &ve, url)
			require.NotEmpty(t, ve.Field(webhook.FieldURL), url)
		}
		got, err := b.d.SubscriptionGet(b.ctx, b.org, s.ID)
		require.NoError(t, err)
		require.Equal(t, "https://example.com/hook", got.URL)
	})
}

// TestSubscriptionURLAllowList: without an allow-list, loopback literals and
// localhost are refused too; an allow-list admits exactly its ranges.
func TestSubscriptionURLAllowList(t *testing.T) {
	t.Parallel()
	st := backends[0].open(t)
	for _, tc := range []struct {
		allow []netip.Prefix
		url   string
		want  string
	}{
		{nil, "https://127.0.0.1/hook", webhook.MsgURLNotPublic},
		{nil, "https://[::1]/hook", webhook.MsgURLNotPublic},
		{nil, "https://localhost/hook", webhook.MsgURLNotPublic},
		{nil, "https://LocalHost./hook", webhook.MsgURLNotPublic},
		{nil, "https://api.localhost/hook", webhook.MsgURLNotPublic},
		{nil, "https://localhost.example.com/hook", ""},
		{[]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, "https://10.1.2.3/hook", ""},
		{[]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, "https://10.1.2.3/hook", ""},
		{[]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, "https://172.16.0.1/hook", webhook.MsgURLNotPublic},
		{[]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, "https://localhost/hook", webhook.MsgURLNotPublic},
		{[]netip.Prefix{netip.MustParsePrefix("::1/128")}, "https://localhost/hook", ""},
	} {
		d, err := webhook.New(st, &webhook.Config{AllowAddrs: tc.allow})
		require.NoError(t, err)
		_, err = d.SubscriptionCreate(t.Context(), &webhook.SubscriptionCreateParams{OrganizationID: newOrg(),
			Name: "allow", URL: tc.url, Events: []string{webhook.EventJobCreated}})
		if tc.want == "" {
			require.NoError(t, err, "%s with %v", tc.url, tc.allow)
			continue
		}
		var ve *webhook.ValidationError
		require.ErrorAs(t, err, &ve, tc.url)
		require.Equal(t, tc.want, ve.Field(webhook.FieldURL), "%s with %v", tc.url, tc.allow)
	}
}
