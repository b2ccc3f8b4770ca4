package linkedin

// Location exposes the location mapping to the tests.
var Location = location
