// Package manifest is the part of a provider that is data: its name,
// display name, integration types, version, configuration fields,
// capabilities and the rules its settings follow ([Spec]), and the two
// methods of [providers.Provider] that only read them, Info and Validate
// ([Base]).
//
// The shipped providers embed a [Base] made from their Spec, so that what
// each says of itself is written once, as a table, and the methods that
// report it are written once, here. Their Do, Check and Close, which talk to
// a service, stay theirs.
//
// # Embedding
//
//	type Provider struct {
//		manifest.Base
//		c *httpapi.Client
//	}
//
//	var spec = manifest.Spec{Name: Name, DisplayName: DisplayName, Version: Version,
//		Types: []string{IntegrationType}, Fields: fields, Capabilities: []string{OpSend},
//		Validate: manifest.Parses(parseSettings)}
//
//	func New(cfg *Config) *Provider { return &Provider{Base: manifest.New(&spec), ...} }
//
// Base embeds [providers.UnimplementedProvider], so a provider that embeds
// Base keeps compiling, and answering, when methods are added to
// providers.Provider.
package manifest
