package webhook_test

import (
	"errors"
	"net/netip"
	"net/url"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
	"github.com/intimeos/integrations/webhook/webhooktest"
)

func TestAddrAllowed(t *testing.T) {
	t.Parallel()
	blocked := []string{"127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254",
		"100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "198.18.0.1", "192.0.2.1", "::1", "::",
		"fe80::1", "fd00:ec2::254", "fc00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1",
		"2001:db8::1", "2002:7f00:1::1",
		// IPv4-compatible and SIIT forms embed IPv4 (loopback, private,
		// metadata); reserved IPv6 outside 2000::/3.
		"::127.0.0.1", "::10.0.0.1", "::169.254.169.254", "::0.0.0.2", "::ffff:0:7f00:1", "::ffff:0:a00:1",
		"4000::1", "1::1", "e000::1"}
	for _, a := range blocked {
		require.False(t, webhook.AddrAllowed(netip.MustParseAddr(a), nil), a)
	}
	public := []string{"93.184.215.14", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"}
	for _, a := range public {
		require.True(t, webhook.AddrAllowed(netip.MustParseAddr(a), nil), a)
	}
	allow := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	require.True(t, webhook.AddrAllowed(netip.MustParseAddr("127.0.0.1"), allow), "the allow-list admits")
	require.True(t, webhook.AddrAllowed(netip.MustParseAddr("::ffff:127.0.0.1"), allow), "mapped form admitted too")
	require.False(t, webhook.AddrAllowed(netip.MustParseAddr("10.0.0.1"), allow), "only what it lists")
}

// TestSSRFRefused sends to internal addresses through a Dispatcher without
// an allow-list: every dial is refused after DNS, none reaches a server.
// The form refuses these URLs; the guard still holds for subscriptions
// written to the store by other means (or before the form checked).
func TestSSRFRefused(t *testing.T) {
	t.Parallel()
	st := backends[0].open(t)
	rcv := webhooktest.NewReceiver(t)
	d, err := webhook.New(st, &webhook.Config{TLSConfig: rcv.TLSConfig()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = d.Stop(t.Context()) })
	u, err := url.Parse(rcv.URL)
	require.NoError(t, err)
	targets := []string{
		rcv.URL,                                    // 127.0.0.1, a live server
		"https://localhost:" + u.Port(),            // a hostname resolving to loopback
		"https://10.0.0.1/hook",                    // private
		"https://169.254.169.254/latest/meta-data", // cloud metadata
		"https://[::1]:" + u.Port() + "/hook",      // IPv6 loopback
	}
	org := uuid.UUID{1}
	for i, target := range targets {
		name := "ssrf" + string(rune('a'+i))
		_, err := d.SubscriptionCreate(t.Context(), &webhook.SubscriptionCreateParams{OrganizationID: org,
			Name: name, URL: target, Events: []string{webhook.EventJobCreated}})
		var ve *webhook.ValidationError
		require.ErrorAs(t, err, &ve, target)
		require.Equal(t, webhook.MsgURLNotPublic, ve.Field(webhook.FieldURL), target)

		sec, err := webhook.GenerateSecret()
		require.NoError(t, err)
		w, err := st.WebhookCreate(t.Context(), &storage.WebhookCreateParams{OrganizationID: org, Name: name,
			URL: target, Secret: sec, Events: []string{webhook.EventJobCreated}, Status: storage.WebhookActive})
		require.NoError(t, err)
		res, err := d.TestSend(t.Context(), org, w.ID, nil)
		require.NoError(t, err)
		require.False(t, res.OK(), target)
		require.Equal(t, retry.ClassPermanent, res.Outcome.Class, target)
		var be *webhook.BlockedAddressError
		require.True(t, errors.As(res.Outcome.Err, &be), "%s: %v", target, res.Outcome.Err)
		require.False(t, webhook.AddrAllowed(be.Addr, nil))
	}
	require.Zero(t, rcv.Count(), "nothing reached the receiver")
}
