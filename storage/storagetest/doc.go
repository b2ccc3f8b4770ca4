// Package storagetest is the contract suite every [storage.Store] backend
// must pass. A backend's tests call [Exercise] with a function that opens a
// fresh, migrated, empty store:
//
//	func TestStore(t *testing.T) {
//		storagetest.Exercise(t, func(t *testing.T) storage.Store {
//			return openTestStore(t) // isolated per call, closed by t.Cleanup
//		})
//	}
//
// # What the suite checks
//
// One subtest family per table family (Integrations, OAuthTokens,
// OAuthStates, Webhooks, Deliveries, DLQ, Logs, Metrics, Alerts, APITokens,
// APITokenInfo, APIRate, APIUsage, ZapierHooks, IntegrationHealth, Activity,
// OrganizationSettings, Maintenance), and one
// for bad input (Invalid), each made of named, parallel subtests that open
// their own store:
//
//   - create, get, update and delete return every field as written: JSON
//     compared semantically where the column is JSONB, delivery payloads
//     byte for byte (insert, get, list, claim, next attempt), times in UTC
//     and truncated to microseconds, secrets as plaintext;
//   - bad input (NUL bytes, invalid UTF-8, text longer than its column or
//     a megabyte key, JSON that is not JSON or that jsonb cannot hold, a
//     webhook secret that is not base64, nil parameters) is the same
//     [storage.ErrInvalid] on every store, in writes, list filters and
//     lookups alike, and writes nothing;
//   - nil update fields leave columns unchanged;
//   - another organization's ID is [storage.ErrNotFound] (or an empty list)
//     and changes nothing;
//   - uniqueness rules and compare-and-swap updates are [storage.ErrConflict];
//   - lists are newest first by (time, ID), page through [storage.Page.Next]
//     without gaps or duplicates, default to [storage.LimitDefault], and
//     reject garbage cursors with an error;
//   - every list filter, every documented default and the semantics stated
//     in the interface's doc comments (alert de-duplication, atomic metric
//     counters, log retention, single-use OAuth states, cascades).
//
// [Exercise] only checks that [storage.Maintenance.SecretsReseal] has
// nothing to do on a store sealed with its current key. Key rotation and
// key checks need stores with different keyrings on one database, which
// the backend provides ([ExerciseSecretsAtRest], [ExerciseKeyCheck]).
//
// [storage.Store]: github.com/intimeos/integrations/storage.Store
package storagetest
