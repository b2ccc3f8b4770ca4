package providers

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/go-plugin"
)

// LaunchOpts are the options of [Host.Launch]; nil means none.
type LaunchOpts struct {
	// Checksum, if set, is the SHA-256 of the executable. It is checked
	// before the plugin starts and again by go-plugin when it executes it;
	// a mismatch is refused with an error wrapping [ErrChecksum].
	Checksum []byte
	// Env is the plugin's entire environment: the host's own environment is
	// never passed on, so configuration must be explicit.
	Env []string
}

// ErrChecksum is wrapped by the error for a plugin binary whose SHA-256
// does not match the expected checksum (or has none).
var ErrChecksum = errors.New("providers: plugin checksum mismatch")

// ErrHandshake is wrapped by the error for a program that did not complete
// the plugin handshake: not a provider plugin, or one built for another
// protocol version.
var ErrHandshake = errors.New("providers: plugin handshake failed")

// SumsFile is the checksum file [Host.LoadDir] reads: lines of
// "<sha256 hex>  <file name>", as written by sha256sum.
const SumsFile = "SHA256SUMS"

// BinaryPrefix starts the file name of a provider plugin binary; the rest
// is the provider's name: "intime-provider-sendgrid".
const BinaryPrefix = "intime-provider-"

// Launch starts cmd as a provider plugin named name, waits for its
// handshake (bounded by ctx and Config.StartTimeout), registers it and
// supervises it. The host's environment is not passed on (see
// [LaunchOpts.Env]); on Linux the plugin gets SIGKILL if the host dies.
func (h *Host) Launch(ctx context.Context, name string, cmd *exec.Cmd, opts *LaunchOpts) (*Plugin, error) {
	return h.launch(ctx, name, cmd, opts, nil)
}

// launch starts and registers a plugin after verify, if given, accepts it.
func (h *Host) launch(ctx context.Context, name string, cmd *exec.Cmd, opts *LaunchOpts,
	verify func(context.Context, *Plugin) error) (*Plugin, error) {
	if opts == nil {
		opts = &LaunchOpts{}
	}
	if opts.Checksum != nil {
		if err := verifyChecksum(cmd.Path, opts.Checksum); err != nil {
			return nil, fmt.Errorf("providers: plugin %q: %w", name, err)
		}
	}
	p := newPlugin(h, name, cmd, opts)
	if err := p.start(ctx); err != nil {
		return nil, err
	}
	go p.supervise()
	var err error
	if verify != nil {
		err = verify(ctx, p)
	}
	if err == nil {
		err = h.addPlugin(p)
	}
	if err != nil {
		p.close(time.Now().Add(h.cfg.StopTimeout))
		return nil, err
	}
	return p, nil
}

// LoadSelf re-executes the host's own binary as the plugin named name: the
// binary's main must call [ServeSelf] first. One-binary deployments use
// it. The plugin's arguments are extra arguments after [SelfArg].
func (h *Host) LoadSelf(ctx context.Context, name string, opts *LaunchOpts, args ...string) (*Plugin, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("providers: locate own executable: %w", err)
	}
	cmd := exec.Command(exe, append([]string{SelfArg + "=" + name}, args...)...)
	return h.Launch(ctx, name, cmd, opts)
}

// LoadDir loads every plugin binary listed in dir's [SumsFile] whose name
// starts with [BinaryPrefix], after checking its SHA-256, under the name
// that follows the prefix. Binaries that are not listed are refused, any
// whose checksum does not match ([ErrChecksum]), and any whose provider
// announces another name in [Info.Name] ([ErrNameMismatch]). It returns the
// plugins it started and an error joining every refusal.
func (h *Host) LoadDir(ctx context.Context, dir string, opts *LaunchOpts) ([]*Plugin, error) {
	sums, err := readSums(filepath.Join(dir, SumsFile))
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("providers: load %s: %w", dir, err)
	}
	var loaded []*Plugin
	var errs []error
	for _, e := range entries {
		name, ok := strings.CutPrefix(e.Name(), BinaryPrefix)
		if !ok || e.IsDir() {
			continue
		}
		o := LaunchOpts{}
		if opts != nil {
			o = *opts
		}
		if o.Checksum, ok = sums[e.Name()]; !ok {
			errs = append(errs, fmt.Errorf("providers: plugin %q: %w: %s has no entry in %s", name, ErrChecksum, e.Name(), SumsFile))
			continue
		}
		p, err := h.launch(ctx, name, exec.Command(filepath.Join(dir, e.Name())), &o, announces(e.Name()))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		loaded = append(loaded, p)
	}
	return loaded, errors.Join(errs...)
}

// ErrNameMismatch is wrapped by the error for a plugin binary whose
// provider announces another name ([Info.Name]) than its file name says.
var ErrNameMismatch = errors.New("providers: plugin name mismatch")

// announces checks that the plugin in file calls itself by the name the
// file gives it.
func announces(file string) func(context.Context, *Plugin) error {
	return func(ctx context.Context, p *Plugin) error {
		info, err := p.Info(ctx)
		if err != nil {
			return fmt.Errorf("providers: plugin %q: %w: its Info failed: %w", p.name, ErrNameMismatch, err)
		}
		if info == nil || info.Name != p.name {
			got := ""
			if info != nil {
				got = info.Name
			}
			return fmt.Errorf("providers: plugin %q: %w: %s serves provider %q (Info.Name); name the file %s%s or fix Info.Name",
				p.name, ErrNameMismatch, file, got, BinaryPrefix, got)
		}
		return nil
	}
}

// readSums parses a sha256sum file into file name → checksum.
func readSums(path string) (map[string][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("providers: read checksums: %w", err)
	}
	defer f.Close()
	sums := map[string][]byte{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		hexSum, file, ok := strings.Cut(line, " ")
		sum, err := hex.DecodeString(hexSum)
		if !ok || err != nil || len(sum) != sha256.Size {
			return nil, fmt.Errorf("providers: %s line %d: want \"<sha256 hex>  <file>\"", path, n)
		}
		sums[strings.TrimPrefix(strings.TrimSpace(file), "*")] = sum
	}
	return sums, sc.Err()
}

// verifyChecksum compares the SHA-256 of the file at path with want.
func verifyChecksum(path string, want []byte) error {
	got, err := fileSHA256(path)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("%w: %s has SHA-256 %x, expected %x", ErrChecksum, filepath.Base(path), got, want)
	}
	return nil
}

func fileSHA256(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("providers: checksum: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, fmt.Errorf("providers: checksum: %w", err)
	}
	return h.Sum(nil), nil
}

// startError makes go-plugin's start failures clear: a checksum mismatch
// wraps ErrChecksum, a failed exec is reported as such, and anything else
// (wrong cookie, wrong protocol version, garbage on stdout, exit before
// the handshake) wraps ErrHandshake.
func startError(name string, err error) error {
	var execErr *exec.Error
	var pathErr *os.PathError
	switch {
	case errors.Is(err, plugin.ErrChecksumsDoNotMatch):
		return fmt.Errorf("providers: plugin %q: %w: the binary changed after it was checked", name, ErrChecksum)
	case errors.As(err, &execErr), errors.As(err, &pathErr):
		return fmt.Errorf("providers: plugin %q: start: %w", name, err)
	}
	return fmt.Errorf("providers: plugin %q: %w (is it a provider plugin for protocol version %d?): %w",
		name, ErrHandshake, ProtocolVersion, err)
}
