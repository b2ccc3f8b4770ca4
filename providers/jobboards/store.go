package jobboards

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// store keeps one JSON file per job under dir/jobs, each written to a
// temporary file and renamed into place, so that a reader (the feed
// handler, in another process) sees a job whole or not at all, and two
// writers of one job leave one of the two versions.
type store struct{ dir string }

func (s store) jobsDir() string { return filepath.Join(s.dir, "jobs") }

func (s store) path(ref string) string {
	sum := sha256.Sum256([]byte(ref))
	return filepath.Join(s.jobsDir(), hex.EncodeToString(sum[:16])+".json")
}

// get returns the stored job ref, or nil.
func (s store) get(ref string) (*Job, error) {
	b, err := os.ReadFile(s.path(ref))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("jobboards: read job: %w", err)
	}
	var j Job
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, fmt.Errorf("jobboards: decode job: %w", err)
	}
	return &j, nil
}

// put writes j atomically.
func (s store) put(j *Job) error {
	if err := os.MkdirAll(s.jobsDir(), 0o755); err != nil {
		return fmt.Errorf("jobboards: create feed directory: %w", err)
	}
	b, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("jobboards: encode job: %w", err)
	}
	tmp, err := os.CreateTemp(s.jobsDir(), ".job-*")
	if err != nil {
		return fmt.Errorf("jobboards: write job: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename, a no-op
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("jobboards: write job: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("jobboards: write job: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.path(j.ReferenceNumber)); err != nil {
		return fmt.Errorf("jobboards: write job: %w", err)
	}
	return nil
}

// remove deletes job ref and reports whether it existed.
func (s store) remove(ref string) (bool, error) {
	err := os.Remove(s.path(ref))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("jobboards: remove job: %w", err)
	}
	return true, nil
}

// list returns every job, newest first (then by reference), and the time
// of the latest change.
func (s store) list() ([]Job, time.Time, error) {
	entries, err := os.ReadDir(s.jobsDir())
	if errors.Is(err, fs.ErrNotExist) {
		return []Job{}, time.Time{}, nil
	}
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("jobboards: list jobs: %w", err)
	}
	jobs := make([]Job, 0, len(entries))
	var latest time.Time
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		j, mod, err := s.read(e)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed while listing
		}
		if err != nil {
			return nil, time.Time{}, err
		}
		jobs = append(jobs, *j)
		latest = later(latest, mod)
	}
	slices.SortFunc(jobs, func(a, b Job) int {
		if c := b.Date.Compare(a.Date); c != 0 {
			return c
		}
		return strings.Compare(a.ReferenceNumber, b.ReferenceNumber)
	})
	if info, err := os.Stat(s.jobsDir()); err == nil {
		latest = later(latest, info.ModTime()) // a removal changes the directory
	}
	return jobs, latest, nil
}

func (s store) read(e fs.DirEntry) (*Job, time.Time, error) {
	info, err := e.Info()
	if err != nil {
		return nil, time.Time{}, err
	}
	b, err := os.ReadFile(filepath.Join(s.jobsDir(), e.Name()))
	if err != nil {
		return nil, time.Time{}, err
	}
	var j Job
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, time.Time{}, fmt.Errorf("jobboards: decode %s: %w", e.Name(), err)
	}
	return &j, info.ModTime(), nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
