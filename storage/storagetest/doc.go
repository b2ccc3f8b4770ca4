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
// IntegrationHealth, Activity, OrganizationSettings, Maintenance), each
// made of named, parallel subtests that open their own store:
//
//   - create, get, update and delete return every field as written: JSON
//     compared semantically (PostgreSQL JSONB normalises it), times in UTC
//     and truncated to microseconds, secrets as plaintext;
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
// nothing to do on a store sealed with its current key. Key rotation needs
// stores with different keyrings on one database, which the backend
// provides ([ExerciseSecretsAtRest]).
//
// [storage.Store]: github.com/intimeos/integrations/storage.Store
package storagetest
