// Package jobboards is the job boards provider (UC-ADMIN-007 §2.1: Indeed,
// LinkedIn, Dice): the organization's open jobs kept in a feed directory
// and served as each board's XML job feed, which the boards fetch.
//
// # Decisions
//
// One provider serves the Job Boards integration and publishes to the
// boards it lists ([FieldBoards]), since posting by feed is one set of jobs
// rendered per board; a job may be limited to some boards ([Job.Boards]).
//
// The jobs are kept as files in a directory ([FieldFeedDir]), one JSON file
// per job written to a temporary file and renamed into place, not in the
// host's store: the provider may run as a plugin, which has no access to the
// host's store, while both the plugin and the host's [FeedHandler] can see
// one directory. Readers see a job whole or not at all; two hosts sharing
// the directory (a network volume) see the same feed. The handler reads the
// directory on each request, so there is no cache to invalidate.
//
// # Feed formats
//
//   - Indeed: Indeed's XML job feed, <source> with <publisher>,
//     <publisherurl>, <lastBuildDate> and a <job> per posting (<title>,
//     <date>, <referencenumber>, <url>, <company>, <city>, <state>,
//     <country>, <postalcode>, <streetaddress>, <email>, <description>,
//     <salary>, <education>, <jobtype>, <category>, <experience>,
//     <remotetype>), values in CDATA as in Indeed's sample feed, dates in
//     RFC 1123 GMT form.
//   - Dice: no public Dice feed specification was found. Dice ingests
//     partners' job wrapping feeds through its onboarding; this package
//     serves Dice the Indeed format above, the de facto standard of job
//     wrapping, at its own URL so that a board-specific format can replace
//     it without changing hosts.
//   - LinkedIn: LinkedIn's Basic Jobs XML feed (job wrapping) per its XML
//     feeds development guide: <source> with <lastBuildDate>,
//     <publisherURL>, <publisher>, <expectedJobCount> and <job>s of
//     <partnerJobId>, <company>, <title>, <description> (at least 100
//     characters), <applyUrl> (https), <companyId>, <jobPosterEmail>,
//     <location> ("City, ST" in the US), <city>, <state>, <country>,
//     <postalcode>, <workplaceTypes> (On-site, Hybrid, Remote) and
//     <jobtype>. Posting through LinkedIn's Job Posting API needs partner
//     OAuth and is left to the OAuth-backed providers.
//
// # Settings
//
// [FieldBoards], [FieldFeedDir] (absolute), [FieldFeedURL] (where the host
// mounts the handler, which the boards are given), [FieldPublisher] and
// [FieldPublisherURL] are required; [FieldLinkedInCompanyID] fills
// LinkedIn's companyId.
//
// # Operations
//
// [Provider.Do] runs, JSON in and JSON out: [OpJobUpsert] ([Job] in,
// [UpsertResult] out; hosts call [JobUpsert]), [OpJobRemove] ([JobRemove])
// and [OpFeedRender] ([FeedRender]). A job the boards would refuse
// (missing title, description, location or apply URL; for LinkedIn a short
// description or a plain http apply URL) is [providers.KindInvalidInput]; a
// feed directory that cannot be written is [providers.KindPermanent].
//
// # Serving
//
// [FeedHandler] is the http.Handler a host mounts (with http.StripPrefix)
// under the feed URL: GET and HEAD /{board}.xml, Last-Modified and 304s.
//
// # Connection test
//
// The boards connect to the host, so [Provider.Check] tests that path: DNS,
// TCP and TLS against the feed URL's host, then that the feed directory is
// writable and the first board's feed answers there with this
// integration's publisher.
//
// # Plugin
//
// The command intime-provider-jobboards serves the provider as a plugin.
package jobboards
