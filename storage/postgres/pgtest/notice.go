package pgtest

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// skipNotice prints the skip line once per test binary.
var skipNotice sync.Once

// noticeWriter, when set, receives the skip line instead of the terminal or
// standard error (for pgtest's own tests).
var noticeWriter io.Writer

// printSkipNotice writes the one line that says what this test binary
// skips and how to run it.
func printSkipNotice() {
	line := fmt.Sprintf("pgtest: %s: PostgreSQL tests skipped; to run them: %s='%s' go test ./...\n",
		packageDir(), EnvDSN, ExampleDSN)
	w := noticeWriter
	if w == nil {
		// go test ./... discards what a passing package writes to its
		// output; the terminal, when there is one, still shows the line.
		if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
			defer tty.Close()
			w = tty
		} else {
			w = os.Stderr
		}
	}
	_, _ = io.WriteString(w, line)
}

// packageDir names the package under test as go test runs it (in the
// package's directory): its path from the module root, or the directory.
func packageDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return filepath.Base(os.Args[0])
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			rel, err := filepath.Rel(dir, wd)
			if err != nil {
				return wd
			}
			return "./" + filepath.ToSlash(rel)
		}
		if filepath.Dir(dir) == dir {
			return wd
		}
	}
}
