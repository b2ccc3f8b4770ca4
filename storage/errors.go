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

// ErrInvalid is matched by every error a Store returns for input it refuses
// before it reaches the database: text that is not valid UTF-8 or holds a
// NUL byte, text longer than its column, JSON that is not JSON (or that
// PostgreSQL's jsonb cannot hold), a value outside its enumeration, a webhook
// secret that is not one, nil parameters. Every backend refuses the same
// input with the same error (the contract suite pins it). The concrete error
// is an [*InvalidError] naming the field.
var ErrInvalid = errors.New("storage: invalid input")

// InvalidError reports a parameter a Store refuses. It matches [ErrInvalid].
// It never quotes the value, which may be a secret or megabytes long.
type InvalidError struct {
	// Field names the parameter as Type.Field, e.g.
	// "DeliveryInsertParams.IdempotencyKey", or the argument's name for a
	// method that takes plain values, e.g. "hash".
	Field string
	// Problem says what is wrong and what is wanted, e.g. "is 1048576
	// characters; want at most 255".
	Problem string
}

// Error implements error.
func (e *InvalidError) Error() string { return "storage: invalid " + e.Field + ": " + e.Problem }

// Is reports whether target is [ErrInvalid].
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// KeyMismatchError is returned by [Maintenance.Migrate] (and so by the
// backends' Open) when the Sealer holds a key whose ID the database knows
// but whose material differs from the key that sealed the database's values
// under that ID: a wrong key that would seal new rows the right key cannot
// open. Nothing is written; open the store with the right key.
type KeyMismatchError struct {
	// KeyID is the ID of the mismatching key.
	KeyID string
}

// Error implements error.
func (e *KeyMismatchError) Error() string {
	return "storage: key " + e.KeyID + " does not match the key that sealed this database"
}
