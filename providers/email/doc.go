// Package email is the typed form of the "email.send" operation, so that
// hosts and providers exchange an [Message] and a [Receipt] instead of
// hand-written JSON.
//
// # Hosts
//
// [Send] sends a message through any [providers.Caller]: one provider
// instance or a failover group.
//
// # Providers
//
// [Handle] decodes and validates the operation's payload, calls the
// provider's send function and encodes its receipt.
package email
