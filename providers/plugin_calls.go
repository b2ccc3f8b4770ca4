package providers

import (
	"context"
	"errors"
)

// observe wakes the supervisor when a call found the plugin gone.
func (p *Plugin) observe(err error) error {
	if errors.Is(err, ErrPluginUnavailable) {
		p.wake()
	}
	return err
}

// Info implements [Provider].
func (p *Plugin) Info(ctx context.Context) (*Info, error) {
	prov, err := p.current()
	if err != nil {
		return nil, err
	}
	i, err := prov.Info(ctx)
	return i, p.observe(err)
}

// Validate implements [Provider].
func (p *Plugin) Validate(ctx context.Context, s Settings) error {
	prov, err := p.current()
	if err != nil {
		return err
	}
	return p.observe(prov.Validate(ctx, s))
}

// Check implements [Provider].
func (p *Plugin) Check(ctx context.Context, s Settings) (*CheckResult, error) {
	prov, err := p.current()
	if err != nil {
		return nil, err
	}
	r, err := prov.Check(ctx, s)
	return r, p.observe(err)
}

// Do implements [Provider].
func (p *Plugin) Do(ctx context.Context, s Settings, op *Operation) (*Result, error) {
	prov, err := p.current()
	if err != nil {
		return nil, err
	}
	r, err := prov.Do(ctx, s, op)
	return r, p.observe(err)
}

// HandleWebhook implements [Provider].
func (p *Plugin) HandleWebhook(ctx context.Context, s Settings, req *WebhookRequest) ([]Event, error) {
	prov, err := p.current()
	if err != nil {
		return nil, err
	}
	evs, err := prov.HandleWebhook(ctx, s, req)
	return evs, p.observe(err)
}
