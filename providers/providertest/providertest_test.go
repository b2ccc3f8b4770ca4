package providertest_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/providertest"
)

// greeter is a minimal conforming provider with inbound events.
type greeter struct {
	providers.UnimplementedProvider
}

var fields = []providers.Field{{Name: "token", Type: providers.FieldPassword, Required: true, Secret: true,
	Messages: providers.FieldMessages{Empty: "Token is required"}}}

func (greeter) Info(context.Context) (*providers.Info, error) {
	return &providers.Info{Name: "greeter", DisplayName: "Greeter", Types: []string{"test"}, Version: "1.0.0",
		Fields: fields, Capabilities: []string{"greet", providers.CapabilityWebhook}}, nil
}

func (greeter) Validate(_ context.Context, s providers.Settings) error {
	return providers.ValidateSettings(fields, s)
}

func (greeter) Do(_ context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	if op.Name != "greet" {
		return nil, providers.UnknownOperation(op)
	}
	if s["token"] != "t0ken" {
		return nil, providers.AuthFailed(errors.New("bad token"))
	}
	return &providers.Result{Payload: []byte(`"hello"`)}, nil
}

func (greeter) HandleWebhook(_ context.Context, s providers.Settings, req *providers.WebhookRequest) ([]providers.Event, error) {
	if req.Header.Get("X-Token") != s["token"] {
		return nil, providers.AuthFailed(errors.New("bad signature"))
	}
	return []providers.Event{{ID: "1", Type: "greeted", Data: req.Body}}, nil
}

func TestMain(m *testing.M) {
	providertest.Main(m, map[string]providers.Provider{"greeter": greeter{}})
}

func TestExercise(t *testing.T) {
	t.Parallel()
	suite := &providertest.Suite{
		Settings: providers.Settings{"token": "t0ken"},
		Calls:    []providertest.Call{{Name: "greet", Op: &providers.Operation{Name: "greet"}}},
		Failures: []providertest.Failure{{Name: "bad token", Settings: providers.Settings{"token": "x"},
			Op: &providers.Operation{Name: "greet"}, Kind: providers.KindAuth}},
		Webhook: &providertest.Webhook{
			Request: &providers.WebhookRequest{Header: http.Header{"X-Token": {"t0ken"}}, Body: []byte(`{}`)},
			Want:    []providers.Event{{ID: "1", Type: "greeted", Data: []byte(`{}`)}},
			Forged:  &providers.WebhookRequest{Header: http.Header{"X-Token": {"forged"}}},
		},
	}
	t.Run("in process", func(t *testing.T) { providertest.Exercise(t, greeter{}, suite) })
	t.Run("plugin", func(t *testing.T) { providertest.Exercise(t, providertest.Plugin(t, "greeter"), suite) })
}
