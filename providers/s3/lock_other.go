//go:build !unix

package s3

// lockFile does nothing where flock(2) is missing: there a fallback folder
// must belong to one process (the provider guards it within the process).
func lockFile(string) (func(), error) { return func() {}, nil }
