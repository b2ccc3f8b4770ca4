package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

// whoamiName is the test's OAuth provider: a calendar whose calls read
// the authorization server's userinfo with the access token the host
// passes with each call, as the SDK's OAuth providers call their APIs.
const whoamiName = "whoami"

type whoami struct {
	providers.UnimplementedProvider
}

func (whoami) Info(context.Context) (*providers.Info, error) {
	return &providers.Info{Name: whoamiName, DisplayName: "Who Am I Calendar", Types: []string{integration.TypeCalendar},
		Version: "1.0.0", Capabilities: []string{whoamiName, providers.CapabilityOAuth},
		Fields: []providers.Field{{Name: "calendarId", Label: "Calendar ID", Type: providers.FieldText, Required: true,
			Default: "primary", MaxLength: 100, Messages: providers.FieldMessages{Empty: "Calendar ID is required"}}}}, nil
}

func (whoami) Validate(_ context.Context, s providers.Settings) error {
	if strings.TrimSpace(s["calendarId"]) == "" {
		return &providers.ValidationError{Fields: []providers.FieldError{{Field: "calendarId", Message: "Calendar ID is required"}}}
	}
	return nil
}

func (w whoami) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	res := &providers.CheckResult{}
	res.Run(providers.StageAuth, nil, func() error { _, err := w.userinfo(ctx, s); return err })
	return res, nil
}

func (w whoami) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	if op.Name != whoamiName {
		return nil, providers.UnknownOperation(op)
	}
	body, err := w.userinfo(ctx, s)
	if err != nil {
		return nil, err
	}
	return &providers.Result{Payload: body}, nil
}

func (whoami) userinfo(ctx context.Context, s providers.Settings) (json.RawMessage, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s[oauth.FieldIssuerURL]+"/userinfo", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", s[providers.SettingTokenType]+" "+s[providers.SettingAccessToken])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, providers.Unavailable(err, retry.ClassNetwork)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, providers.AuthFailed(fmt.Errorf("userinfo answered %d", resp.StatusCode))
	case resp.StatusCode != http.StatusOK:
		return nil, providers.Unavailable(fmt.Errorf("userinfo answered %d", resp.StatusCode), retry.ClassServerError)
	}
	return body, nil
}

// revokeAccess revokes an access token at the authorization server, as a
// provider does when a token leaks or expires early.
func (e *env) revokeAccess(t *testing.T, token string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.op.URL+"/revoke", strings.NewReader(url.Values{"token": {token},
		"token_type_hint": {"access_token"}}.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(opClientID, opClientSecret)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}
