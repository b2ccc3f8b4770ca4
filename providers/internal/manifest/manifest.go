package manifest

import (
	"context"
	"slices"

	"github.com/intimeos/integrations/providers"
)

// Spec describes a provider: what its Info says and how its settings are
// checked. A provider declares it once, as a package variable.
type Spec struct {
	// Name, DisplayName and Version are [providers.Info]'s.
	Name, DisplayName, Version string
	// Types are the integration types the provider serves.
	Types []string
	// Fields returns the configuration form's fields in display order, a
	// new slice on each call.
	Fields func() []providers.Field
	// Capabilities are the operations the provider implements, with
	// [providers.CapabilityOAuth] or [providers.CapabilityWebhook] where it
	// has them.
	Capabilities []string
	// Validate checks settings: nil, or a *providers.ValidationError with
	// one message per invalid field (see [Parses]).
	Validate func(providers.Settings) error
}

// Parses returns a [Spec.Validate] that parses settings with parse and
// keeps only its error: a provider validates settings by parsing them, as
// each of its calls does.
func Parses[S any](parse func(providers.Settings) (S, error)) func(providers.Settings) error {
	return func(s providers.Settings) error {
		_, err := parse(s)
		return err
	}
}

// Base implements Info and Validate of [providers.Provider] from a [Spec],
// and answers the other methods as [providers.UnimplementedProvider] does
// until the provider that embeds it implements them.
type Base struct {
	providers.UnimplementedProvider
	spec *Spec
}

// New returns the Base of the provider spec describes.
func New(spec *Spec) Base { return Base{spec: spec} }

// Info implements [providers.Provider]: the Spec, in slices of its own.
func (b Base) Info(context.Context) (*providers.Info, error) {
	return &providers.Info{
		Name:         b.spec.Name,
		DisplayName:  b.spec.DisplayName,
		Types:        slices.Clone(b.spec.Types),
		Version:      b.spec.Version,
		Fields:       b.spec.Fields(),
		Capabilities: slices.Clone(b.spec.Capabilities),
	}, nil
}

// Validate implements [providers.Provider] with [Spec.Validate].
func (b Base) Validate(_ context.Context, s providers.Settings) error {
	return b.spec.Validate(s)
}
