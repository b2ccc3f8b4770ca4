package storage

import (
	"crypto/rand"
	"errors"

	"github.com/google/uuid"
)

// claimerPrefix is how many leading bytes of a claim ID name its claimer.
const claimerPrefix = 8

// NewClaimID returns a new claim ID of claimer: its first 8 bytes are
// claimer's, the other 8 random (with the variant bits of RFC 9562), so
// that [DeliveryClaimParams.Claimer] can tell the claimer's leases apart.
// Make claimer with uuid.New (its version bits then stay those of a
// version 4 UUID).
func NewClaimID(claimer uuid.UUID) uuid.UUID {
	id := claimer
	_, _ = rand.Read(id[claimerPrefix:])
	id[8] = id[8]&0x3f | 0x80
	return id
}

// ClaimerRange returns the claim IDs whose leases count against
// PerWebhookLimit: those of p.Claimer (every claim ID sharing its first 8
// bytes), or every claim ID when p.Claimer is uuid.Nil. Stores compare a
// lease's claim ID with the two bounds. A ClaimID that is not p.Claimer's
// is an error: the claim's own leases would not count against its cap.
func (p *DeliveryClaimParams) ClaimerRange() (lo, hi uuid.UUID, err error) {
	if p.Claimer == uuid.Nil {
		return uuid.Nil, uuid.Max, nil
	}
	if [claimerPrefix]byte(p.ClaimID[:claimerPrefix]) != [claimerPrefix]byte(p.Claimer[:claimerPrefix]) {
		return uuid.Nil, uuid.Nil, errors.New("storage: DeliveryClaimParams.ClaimID must be one of Claimer's (see storage.NewClaimID)")
	}
	lo, hi = p.Claimer, p.Claimer
	for i := claimerPrefix; i < len(lo); i++ {
		lo[i], hi[i] = 0, 0xff
	}
	return lo, hi, nil
}
