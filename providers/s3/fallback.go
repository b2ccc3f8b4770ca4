package s3

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// entryExt ends the name of a file kept in the fallback folder.
const entryExt = ".s3obj"

// fallback is the local folder that keeps the files S3 could not take
// (UC-ADMIN-007 §9, "Storage: use local storage temporarily"). One file
// per object, named by the hash of bucket and key, holds a JSON header
// line and the bytes; it is written to a temporary name, synced and
// renamed, so a crash leaves the previous version or none, never half.
type fallback struct {
	p      *Provider
	dir    string
	bucket string
}

// entryHeader is the first line of a fallback file.
type entryHeader struct {
	Bucket      string    `json:"bucket"`
	Key         string    `json:"key"`
	ContentType string    `json:"contentType,omitempty"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	KeptAt      time.Time `json:"keptAt"`
}

// errCorrupt marks a fallback file whose bytes do not match its header.
var errCorrupt = errors.New("s3: fallback file does not match its checksum")

// fallback returns the settings' fallback folder, or nil if none is set.
func (p *Provider) fallback(st *settings) *fallback {
	if st.fallbackDir == "" {
		return nil
	}
	return &fallback{p: p, dir: st.fallbackDir, bucket: st.bucket}
}

func (f *fallback) path(key string) string {
	h := sha256.Sum256([]byte(f.bucket + "\x00" + key))
	return filepath.Join(f.dir, hex.EncodeToString(h[:])+entryExt)
}

// has reports whether the folder holds key.
func (f *fallback) has(key string) bool {
	if f == nil {
		return false
	}
	_, err := os.Stat(f.path(key))
	return err == nil
}

// lock takes the folder for the caller: within the process, waiting no
// longer than ctx, and across processes with flock(2). Every change to the
// folder is made under it.
func (f *fallback) lock(ctx context.Context) (func(), error) {
	f.p.mu.Lock()
	ch, ok := f.p.spools[f.dir]
	if !ok {
		ch = make(chan struct{}, 1)
		f.p.spools[f.dir] = ch
	}
	f.p.mu.Unlock()
	select {
	case ch <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("s3: fallback lock: %w", ctx.Err())
	}
	if err := os.MkdirAll(f.dir, 0o700); err != nil {
		<-ch
		return nil, fmt.Errorf("s3: fallback folder: %w", err)
	}
	unlock, err := lockFile(filepath.Join(f.dir, ".lock"))
	if err != nil {
		<-ch
		return nil, err
	}
	return func() { unlock(); <-ch }, nil
}

// write keeps o, replacing an earlier version of the same key. The caller
// holds the lock.
func (f *fallback) write(o *object, sum string, now time.Time) error {
	h, err := json.Marshal(&entryHeader{Bucket: f.bucket, Key: o.key, ContentType: o.contentType,
		Size: int64(len(o.body)), SHA256: sum, KeptAt: now.UTC()})
	if err != nil {
		return fmt.Errorf("s3: fallback header: %w", err)
	}
	tmp, err := os.CreateTemp(f.dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("s3: fallback write: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	for _, b := range [][]byte{h, {'\n'}, o.body} {
		if _, err := tmp.Write(b); err != nil {
			_ = tmp.Close()
			return fmt.Errorf("s3: fallback write: %w", err)
		}
	}
	if err := errors.Join(tmp.Sync(), tmp.Close()); err != nil {
		return fmt.Errorf("s3: fallback write: %w", err)
	}
	if err := os.Rename(tmp.Name(), f.path(o.key)); err != nil {
		return fmt.Errorf("s3: fallback write: %w", err)
	}
	return syncDir(f.dir)
}

// read returns the kept object at path, checked against its header.
func (f *fallback) read(path string) (*entryHeader, *object, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("s3: fallback read: %w", err)
	}
	line, body, ok := bytes.Cut(b, []byte{'\n'})
	var h entryHeader
	if !ok || json.Unmarshal(line, &h) != nil {
		return nil, nil, errCorrupt
	}
	sum := sha256.Sum256(body)
	if int64(len(body)) != h.Size || hex.EncodeToString(sum[:]) != h.SHA256 {
		return nil, nil, errCorrupt
	}
	return &h, &object{key: h.Key, contentType: h.ContentType, body: body}, nil
}

// get returns the kept object for key, or nil if the folder has none.
func (f *fallback) get(key string) (*entryHeader, *object, error) {
	if !f.has(key) {
		return nil, nil, nil
	}
	h, o, err := f.read(f.path(key))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil // moved to S3 meanwhile
	}
	return h, o, err
}

// remove drops key. The caller holds the lock.
func (f *fallback) remove(key string) error {
	if err := os.Remove(f.path(key)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("s3: fallback remove: %w", err)
	}
	return nil
}

// entries lists the folder's kept files, oldest name first, and removes
// the temporary files a crash left. The caller holds the lock.
func (f *fallback) entries() ([]string, error) {
	des, err := os.ReadDir(f.dir)
	if err != nil {
		return nil, fmt.Errorf("s3: fallback list: %w", err)
	}
	var paths []string
	for _, de := range des {
		switch name := de.Name(); {
		case strings.HasPrefix(name, ".tmp-"):
			_ = os.Remove(filepath.Join(f.dir, name))
		case strings.HasSuffix(name, entryExt):
			paths = append(paths, filepath.Join(f.dir, name))
		}
	}
	sort.Strings(paths)
	return paths, nil
}

// quarantine renames a corrupt file out of the way (kept for inspection).
func (f *fallback) quarantine(path string) {
	_ = os.Rename(path, strings.TrimSuffix(path, entryExt)+".corrupt")
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("s3: fallback sync: %w", err)
	}
	err = d.Sync()
	_ = d.Close()
	if err != nil {
		return fmt.Errorf("s3: fallback sync: %w", err)
	}
	return nil
}
