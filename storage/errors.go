package storage

import "errors"

// ErrNotFound is returned when a row does not exist or belongs to another
// organization. The two cases are deliberately indistinguishable so that one
// tenant cannot probe for another tenant's identifiers.
var ErrNotFound = errors.New("storage: not found")

// ErrConflict is returned when a write would break a uniqueness rule (a
// webhook name already used in the organization, an idempotency key already
// published) or when a compare-and-swap update finds the row changed.
var ErrConflict = errors.New("storage: conflict")
