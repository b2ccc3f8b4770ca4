// Package meeting is the typed form of the video integration's operations
// (UC-ADMIN-007 §2.3, "Video: interviews"), so that hosts and video
// providers (Zoom, Microsoft Teams) exchange a [Meeting] and a [Receipt]
// instead of hand-written JSON, and one provider can stand in for another.
//
// # Operations
//
//   - [OpCreate]: schedule an interview meeting and return its join URL
//     ([Meeting] in, [Receipt] out);
//   - [OpUpdate]: change its topic, agenda or time ([Change] in, [Receipt]
//     out);
//   - [OpDelete]: delete it ([Deletion] in, [DeleteReceipt] out).
//
// # Hosts
//
// [Create], [Update] and [Delete] validate their input and call any
// [providers.Caller]. A meeting's ID becomes the operation's
// IdempotencyKey: providers that can use it (Teams' createOrGet) return the
// meeting already created when a create is retried.
//
// # Providers
//
// [Handle] decodes and validates an operation's payload and calls the
// provider's [Handler]; [IsOperation] tells a provider serving several
// integration types which operations are this package's.
//
// The join URL is for the candidate and the interviewers. A host's link to
// start the meeting as its host (Zoom's start_url) is a credential and is
// never returned.
package meeting
