package admin_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// The package's one browser: Debian's Chromium, headless, started by
// TestMain when it is installed. Each test opens a tab in a browser
// context of its own (its own cookies).
var browser struct {
	ctx     context.Context
	cancels []context.CancelFunc
	dir     string
	missing string
}

// startBrowser starts Chromium, or records why it cannot.
func startBrowser() {
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		browser.missing = "Chromium is not installed (apt-get install -y chromium)"
		return
	}
	dir, err := os.MkdirTemp("", "intime-admin-chromium")
	if err != nil {
		browser.missing = err.Error()
		return
	}
	browser.dir = dir
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(dir), chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelB := chromedp.NewContext(actx)
	browser.cancels = []context.CancelFunc{cancelB, cancelA}
	if err := chromedp.Do(bctx); err != nil {
		browser.missing = "Chromium did not start: " + err.Error()
		stopBrowser()
		return
	}
	browser.ctx = bctx
}

// stopBrowser ends the browser and removes its profile.
func stopBrowser() {
	for _, c := range browser.cancels {
		c()
	}
	browser.cancels = nil
	if browser.dir != "" {
		for range 50 { // Chromium's helpers may still write for a moment
			if os.RemoveAll(browser.dir) == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// tab opens a tab in a fresh browser context, or skips (fails under
// INTIME_REQUIRE_ALL=1) without Chromium.
func tab(t *testing.T) context.Context {
	t.Helper()
	if browser.ctx == nil {
		if os.Getenv("INTIME_REQUIRE_ALL") == "1" {
			t.Fatalf("browser tests need Chromium: %s", browser.missing)
		}
		t.Skipf("browser tests skipped: %s", browser.missing)
	}
	ctx, cancel := chromedp.NewContext(browser.ctx, chromedp.WithNewBrowserContext())
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancel() })
	return ctx
}

// do runs browser actions, failing the test on error.
func do(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, actions...))
}

// text reads an element's visible text once it is there. A live region
// the page refreshes (logs, health) can replace the element between the
// query and the read ("No node with given id found"): it reads again.
func text(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	var s string
	err := retryStale(func() (err error) {
		s, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
		return err
	})
	require.NoError(t, err, css)
	return s
}

// retryStale runs a browser action again when the element it found was
// replaced by the page's live refresh before the action reached it
// ("No node with given id", "Could not find node with given id"). Such
// an action did nothing, so running it again is safe.
func retryStale(run func() error) error {
	for try := 0; ; try++ {
		err := run()
		if err == nil || try == 4 || !staleNode(err) {
			return err
		}
	}
}

// staleNode reports whether err says the node went away under the action.
func staleNode(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "No node with given id") || strings.Contains(msg, "Could not find node with given id")
}

// clickAndLoad clicks and waits for the page it leads to.
func clickAndLoad(t *testing.T, ctx context.Context, css string) {
	t.Helper()
	err := retryStale(func() error {
		_, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(css))))
		return err
	})
	require.NoError(t, err, css)
}

// keyAndLoad presses a key and waits for the page it leads to.
func keyAndLoad(t *testing.T, ctx context.Context, key string, opts ...chromedp.KeyOption) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.KeyEvent(key, opts...)))
	require.NoError(t, err, key)
}

// waitText waits until the element's text contains want.
func waitText(t *testing.T, ctx context.Context, css, want string) {
	t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && e.textContent.includes(%q); })()`, css, want)
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(15*time.Second)))
	require.NoError(t, err, "waiting for %q in %s; page: %s", want, css, pageText(ctx))
}

// waitEmpty waits until the element has no text (or is gone).
func waitEmpty(t *testing.T, ctx context.Context, css string) {
	t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !e || e.textContent.trim() === ""; })()`, css)
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(15*time.Second)))
	require.NoError(t, err, "waiting for %s to empty; page: %s", css, pageText(ctx))
}

// pageText is the page's text, for failure messages.
func pageText(ctx context.Context) string {
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if len(s) > 2000 {
		s = s[:2000]
	}
	return s
}

// screenshot saves the page as a PNG under $INTIME_ARTIFACT_DIR/admin, or
// the test's temporary directory.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := t.TempDir()
	if a := os.Getenv("INTIME_ARTIFACT_DIR"); a != "" {
		dir = filepath.Join(a, "admin")
		require.NoError(t, os.MkdirAll(dir, 0o755))
	}
	b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	safe := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
				return r
			}
			return '_'
		}, s)
	}
	p := filepath.Join(dir, safe(t.Name())+"-"+safe(name)+".png")
	require.NoError(t, os.WriteFile(p, b, 0o644))
	t.Logf("screenshot %s", p)
}

// clear empties an input by its ID.
func clear(id string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById(%q).value = ""`, id))
}

// click clicks an element, again if the page's live refresh replaced it
// before the click reached it.
func click(t *testing.T, ctx context.Context, css string) {
	t.Helper()
	err := retryStale(func() error {
		_, err := chromedp.Run(ctx, chromedp.Click(chromedp.CSS(css)))
		return err
	})
	require.NoError(t, err, css)
}
