// Package calendar is the typed form of the calendar integration's
// operations (UC-ADMIN-007 §2.1, "Calendar: meeting scheduling"), so that
// hosts and calendar providers (Google Calendar, Microsoft 365) exchange an
// [Event], an [EventChange], an [EventCancellation] and a
// [FreeBusyRequest] instead of hand-written JSON, and one provider can
// stand in for another.
//
// # Operations
//
//   - [OpEventCreate]: create an interview event with attendees, who are
//     invited ([Event] in, [EventReceipt] out);
//   - [OpEventUpdate]: change its time, title, place or attendees
//     ([EventChange] in, [EventReceipt] out);
//   - [OpEventCancel]: cancel it, notifying the attendees
//     ([EventCancellation] in, [CancelReceipt] out);
//   - [OpFreeBusy]: the busy intervals of up to [MaxFreeBusyCalendars]
//     calendars over at most [MaxFreeBusyRange] ([FreeBusyRequest] in,
//     [FreeBusy] out).
//
// The limits are those every provider accepts: Microsoft Graph's
// getSchedule and Google's freeBusy each refuse more.
//
// # Hosts
//
// [EventCreate], [EventUpdate], [EventCancel] and [FreeBusyQuery] validate
// their input and call any [providers.Caller]: one provider instance or a
// failover group. An event's ID becomes the operation's IdempotencyKey:
// providers that can use it make a retried create return the event already
// created instead of a second one.
//
// # Providers
//
// [Handle] decodes and validates an operation's payload and calls the
// provider's [Handler]; [IsOperation] tells a provider serving several
// integration types which operations are this package's.
//
// # Time zones
//
// Times are absolute (RFC 3339 in JSON). [Event.TimeZone] is an IANA name
// ("America/New_York") in which the calendar shows the event; the package
// embeds the time zone database (time/tzdata) so that it validates the same
// way on every host and in every plugin.
package calendar
