package ringcentral_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/testkit"
	"github.com/intimeos/integrations/providers/providertest"
	"github.com/intimeos/integrations/providers/ringcentral"
	"github.com/intimeos/integrations/providers/sms"
)

var (
	op   = testkit.Op
	with = testkit.With
)

func decode[T any](t *testing.T, r *providers.Result) *T { return testkit.Decode[T](t, r) }

func setup(t *testing.T) (*fakeRingCentral, *ringcentral.Provider) {
	return newFakeRingCentral(t), testkit.Closing(t, ringcentral.New(nil))
}

var (
	sendOp = op(sms.OpSend, &sms.Message{To: "+14155550123", Body: "Your interview is confirmed for 10:00."})
	callOp = op(ringcentral.OpCall, &ringcentral.CallRequest{To: "+14155550123"})
)

func suite(t *testing.T) *providertest.Suite {
	f := newFakeRingCentral(t)
	good := f.settings(tokGood)
	return &providertest.Suite{
		Settings: good,
		Calls: []providertest.Call{
			{Name: "sms", Op: sendOp, Check: func(t *testing.T, r *providers.Result) {
				rec := decode[sms.Receipt](t, r)
				require.Regexp(t, `^[0-9]+$`, rec.MessageID)
				require.Equal(t, "Queued", rec.Status)
			}},
			{Name: "ringout", Op: callOp, Check: func(t *testing.T, r *providers.Result) {
				require.Equal(t, "InProgress", decode[ringcentral.Call](t, r).Status)
			}},
		},
		Failures: []providertest.Failure{
			{Name: "invalid token 401", Settings: with(good, providers.SettingAccessToken, "U0pD.expired"), Op: sendOp, Kind: providers.KindAuth},
			{Name: "no token", Settings: with(good, providers.SettingAccessToken, ""), Op: callOp, Kind: providers.KindAuth},
			{Name: "no permission 403", Settings: with(good, providers.SettingAccessToken, tokNoPerm), Op: sendOp, Kind: providers.KindAuth},
			{Name: "rate limited 429", Settings: with(good, providers.SettingAccessToken, tokBusy), Op: sendOp, Kind: providers.KindRateLimited, RetryAfter: time.Minute},
			{Name: "down 503", Settings: with(good, providers.SettingAccessToken, tokDown), Op: callOp, Kind: providers.KindRetryable},
			{Name: "not the extension's number", Settings: with(good, ringcentral.FieldPhoneNumber, "+16505550199"), Op: sendOp, Kind: providers.KindInvalidInput},
			{Name: "text over 1000", Op: op(sms.OpSend, &sms.Message{To: "+14155550123", Body: strings.Repeat("x", 1001)}), Kind: providers.KindInvalidInput},
			{Name: "unknown call 404", Op: op(ringcentral.OpCallGet, &ringcentral.CallRef{CallID: "1"}), Kind: providers.KindInvalidInput},
			{Name: "bad call ID", Op: op(ringcentral.OpCallCancel, &ringcentral.CallRef{CallID: "../sms"}), Kind: providers.KindInvalidInput},
			{Name: "no ringout from", Settings: with(good, ringcentral.FieldRingOutFrom, ""), Op: callOp, Kind: providers.KindInvalidInput},
			{Name: "bad payload", Op: &providers.Operation{Name: ringcentral.OpCall, Payload: []byte(`"`)}, Kind: providers.KindInvalidInput},
		},
	}
}

// TestConformance: the provider passes providertest in process and as a
// plugin, against the fake RingCentral API.
func TestConformance(t *testing.T) {
	t.Parallel()
	testkit.Conformance(t, testkit.Closing(t, ringcentral.New(nil)), plugin, suite)
}

func TestValidate(t *testing.T) {
	t.Parallel()
	good := providers.Settings{ringcentral.FieldPhoneNumber: phoneGood}
	testkit.Validate(t, ringcentral.New(nil), []testkit.ValidateCase{
		{"minimal", good, "", ""},
		{"all fields", with(good, ringcentral.FieldRingOutFrom, phoneDesk, ringcentral.FieldBaseURL,
			"https://platform.devtest.ringcentral.com"), "", ""},
		{"empty", providers.Settings{}, ringcentral.FieldPhoneNumber, "Phone number is required"},
		{"not E.164", with(good, ringcentral.FieldPhoneNumber, "650-555-0100"), ringcentral.FieldPhoneNumber,
			"Please enter a phone number in E.164 format, such as +15551234567"},
		{"bad ringout from", with(good, ringcentral.FieldRingOutFrom, "desk"), ringcentral.FieldRingOutFrom,
			"Please enter a phone number in E.164 format, such as +15551234567"},
		{"http base", with(good, ringcentral.FieldBaseURL, "http://platform.example"), ringcentral.FieldBaseURL,
			"Please enter a valid https URL"},
	})
}

// TestSendAndCall checks the wire forms: SMS from the extension's number,
// RingOut from the desk with the extension's number as caller ID, the
// call's status read and a call cancelled.
func TestSendAndCall(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	inst := providers.NewInstance("RingCentral", p, f.settings(tokGood), nil)
	ctx := t.Context()
	_, err := sms.Send(ctx, inst, &sms.Message{To: "+14155550123", Body: "See you at 10."})
	require.NoError(t, err)
	req := f.Last()
	require.Equal(t, base+"/sms", req.Path)
	require.Equal(t, "Bearer "+tokGood, req.Auth)
	require.Equal(t, map[string]any{"from": map[string]any{"phoneNumber": phoneGood},
		"to": []any{map[string]any{"phoneNumber": "+14155550123"}}, "text": "See you at 10."}, req.Body)

	call, err := ringcentral.CallPlace(ctx, inst, &ringcentral.CallRequest{To: "+14155550123", PlayPrompt: true})
	require.NoError(t, err)
	require.Equal(t, map[string]any{"from": map[string]any{"phoneNumber": phoneDesk}, "to": map[string]any{"phoneNumber": "+14155550123"},
		"callerId": map[string]any{"phoneNumber": phoneGood}, "playPrompt": true}, f.Last().Body)
	got, err := ringcentral.CallGet(ctx, inst, call.CallID)
	require.NoError(t, err)
	require.Equal(t, &ringcentral.Call{CallID: call.CallID, Status: "InProgress", CallerStatus: "InProgress", CalleeStatus: "InProgress"}, got)
	got, err = ringcentral.CallGet(ctx, inst, call.CallID)
	require.NoError(t, err)
	require.Equal(t, "Success", got.Status)

	other, err := ringcentral.CallPlace(ctx, inst, &ringcentral.CallRequest{To: "+14155550124", From: "+14155550999"})
	require.NoError(t, err)
	require.Equal(t, "+14155550999", f.Last().Body["from"].(map[string]any)["phoneNumber"])
	c, err := ringcentral.CallCancel(ctx, inst, other.CallID)
	require.NoError(t, err)
	require.Equal(t, "Canceled", c.Status)
	require.Equal(t, "DELETE", f.Last().Method)
	_, err = ringcentral.CallGet(ctx, inst, other.CallID)
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
	require.Contains(t, err.Error(), "Resource for parameter [ringoutId] is not found (CMN-102)")
}

func TestErrors(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	_, err := p.Do(t.Context(), f.settings(tokBusy), sendOp)
	e := providers.AsError(err)
	require.Equal(t, providers.KindRateLimited, e.Kind)
	require.Equal(t, time.Minute, e.RetryAfter)

	_, err = p.Do(t.Context(), f.settings("U0pD.stale-secret"), sendOp)
	require.Equal(t, "Authentication failed. Please check credentials.", providers.UserMessage(err, ringcentral.DisplayName))
	require.Contains(t, err.Error(), "Token not found (OAU-213)")
	require.NotContains(t, err.Error(), "U0pD.stale-secret")

	_, err = p.Do(t.Context(), f.settings(tokDown), sendOp)
	require.Equal(t, "RingCentral is currently unavailable", providers.UserMessage(err, ringcentral.DisplayName))
}

func TestCheck(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	res, err := p.Check(t.Context(), f.settings(tokGood))
	require.NoError(t, err)
	require.True(t, res.OK(), "%+v", res.Stages)
	require.Equal(t, base, f.Last().Path)
	for _, tok := range []string{"U0pD.revoked", tokNoPerm, ""} {
		res, err = p.Check(t.Context(), f.settings(tok))
		require.NoError(t, err)
		require.Equal(t, providers.StageAuth, res.Failed().Name, tok)
	}
}
