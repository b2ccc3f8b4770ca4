// Package sms is the typed form of the "sms.send" operation and of the
// normalised delivery events, so that hosts and SMS providers (Twilio,
// RingCentral, ...) exchange a [Message], a [Receipt] and an [EventData]
// instead of hand-written JSON.
//
// # Hosts
//
// [Send] sends a message through any [providers.Caller]: one provider
// instance or a failover group.
//
// # Providers
//
// [Handle] decodes and validates the operation's payload, calls the
// provider's send function and encodes its receipt. Delivery callbacks are
// normalised to the event types listed with [EventDelivered].
package sms
