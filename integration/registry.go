package integration

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/intimeos/integrations/providers"
)

// registry is the Manager's view of the installed providers: the host's
// (registered in process or loaded as plugins) and the SDK's own
// ([ProviderInternal]), with their Info cached: a plugin's Info is a round
// trip, and it changes only when the plugin is replaced
// ([Manager.ProvidersRefresh]).
type registry struct {
	host *providers.Host

	mu    sync.RWMutex
	infos map[string]*providers.Info
}

func newRegistry(host *providers.Host) *registry {
	return &registry{host: host, infos: map[string]*providers.Info{}}
}

// names returns every installed provider's name, sorted.
func (r *registry) names() []string {
	names := r.host.Names()
	if !slices.Contains(names, ProviderInternal) {
		names = append(names, ProviderInternal)
	}
	slices.Sort(names)
	return names
}

// provider returns an installed provider and its Info.
func (r *registry) provider(ctx context.Context, name string) (providers.Provider, *providers.Info, error) {
	p, err := r.lookup(name)
	if err != nil {
		return nil, nil, err
	}
	r.mu.RLock()
	info := r.infos[name]
	r.mu.RUnlock()
	if info != nil {
		return p, info, nil
	}
	info, err = p.Info(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("integration: provider %s: %w", name, err)
	}
	r.mu.Lock()
	r.infos[name] = info
	r.mu.Unlock()
	return p, info, nil
}

func (r *registry) lookup(name string) (providers.Provider, error) {
	p, err := r.host.Provider(name)
	if errors.Is(err, providers.ErrNotFound) && name == ProviderInternal {
		return internalProvider{}, nil
	}
	if err != nil {
		return nil, &ProviderNotInstalledError{Provider: name}
	}
	return p, nil
}

// refresh forgets the cached Infos.
func (r *registry) refresh() {
	r.mu.Lock()
	clear(r.infos)
	r.mu.Unlock()
}

// internalProvider stands for the SDK itself as the provider of webhooks
// and API access: its health is the host's own, so its connection test has
// no stage to fail, and it runs no operations (package webhook and package
// apiaccess are called directly).
type internalProvider struct {
	providers.UnimplementedProvider
}

func (internalProvider) Info(context.Context) (*providers.Info, error) {
	return &providers.Info{Name: ProviderInternal, DisplayName: "InTime", Types: []string{TypeAPIAccess, TypeWebhooks},
		Version: "1.0.0"}, nil
}

func (internalProvider) Validate(context.Context, providers.Settings) error { return nil }

func (internalProvider) Check(context.Context, providers.Settings) (*providers.CheckResult, error) {
	return &providers.CheckResult{}, nil
}
