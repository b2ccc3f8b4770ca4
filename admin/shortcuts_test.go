package admin_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"
)

// location is the tab's URL.
func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	u, err := chromedp.Run(ctx, chromedp.Location())
	require.NoError(t, err)
	return u
}

// active is the ID of the focused element.
func active(t *testing.T, ctx context.Context) string {
	t.Helper()
	id, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.id : ""`))
	require.NoError(t, err)
	return id
}

// TestKeyboardShortcuts presses each shortcut of §14 and checks what the
// page then does, with the keyboard alone.
func TestKeyboardShortcuts(t *testing.T) {
	t.Parallel()
	e := setup(t, backends[0])
	first := e.webhook(t, "Alpha hook")
	e.webhook(t, "Beta hook")
	base := e.host.URL + "/admin"
	ctx := tab(t)
	do(t, ctx, chromedp.Navigate(base+"/webhooks"), chromedp.WaitVisible(chromedp.CSS("[data-list] [data-row]")))

	t.Run("CtrlK opens the palette; typing filters; Enter goes; Escape closes", func(t *testing.T) {
		do(t, ctx, chromedp.KeyEvent("k", chromedp.KeyModifiers(chromedp.ModifierCtrl)), chromedp.WaitVisible(chromedp.CSS("#palette[open]")))
		require.Equal(t, "palette-input", active(t, ctx))
		screenshot(t, ctx, "palette")
		do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(chromedp.CSS("#palette[open]")))
		do(t, ctx, chromedp.KeyEvent("k", chromedp.KeyModifiers(chromedp.ModifierMeta)), chromedp.WaitVisible(chromedp.CSS("#palette[open]")))
		do(t, ctx, chromedp.SendKeys(chromedp.ID("palette-input"), "dead"))
		keyAndLoad(t, ctx, kb.Enter)
		require.Equal(t, base+"/dlq", location(t, ctx))
	})
	t.Run("g i goes to Integrations", func(t *testing.T) {
		do(t, ctx, chromedp.KeyEvent("g"))
		keyAndLoad(t, ctx, "i")
		require.Equal(t, base+"/integrations", location(t, ctx))
		waitText(t, ctx, "main h1", "Integrations")
		waitText(t, ctx, "main h1", "+ Add Integration")
	})
	t.Run("slash focuses search", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(base+"/webhooks"), chromedp.WaitVisible(chromedp.CSS("[data-list] [data-row]")))
		do(t, ctx, chromedp.KeyEvent("/"))
		require.Equal(t, "q", active(t, ctx))
		do(t, ctx, chromedp.SendKeys(chromedp.ID("q"), "beta"))
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("[data-row]:not([hidden])").length`))
		require.NoError(t, err)
		require.Equal(t, 1, n, "the list filters as typed")
		do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))
	})
	t.Run("j k move, Enter opens", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(base+"/webhooks"), chromedp.WaitVisible(chromedp.CSS("[data-list] [data-row]")))
		do(t, ctx, chromedp.KeyEvent("j"), chromedp.KeyEvent("j"))
		require.Equal(t, "Alpha hook", selectedName(t, ctx), "newest first: Beta, then Alpha")
		do(t, ctx, chromedp.KeyEvent("k"))
		require.Equal(t, "Beta hook", selectedName(t, ctx))
		do(t, ctx, chromedp.KeyEvent("j"))
		screenshot(t, ctx, "selected")
		keyAndLoad(t, ctx, kb.Enter)
		require.Equal(t, base+"/webhooks/"+first.ID.String(), location(t, ctx))
	})
	t.Run("t tests, l views logs, r refreshes", func(t *testing.T) {
		detail := base + "/webhooks/" + first.ID.String()
		keyAndLoad(t, ctx, "t")
		require.Equal(t, base+"/debugger?webhook="+first.ID.String(), location(t, ctx))
		do(t, ctx, chromedp.Navigate(detail), chromedp.WaitVisible(chromedp.CSS("main h1")))
		keyAndLoad(t, ctx, "l")
		require.Equal(t, base+"/deliveries?webhook="+first.ID.String(), location(t, ctx))
		do(t, ctx, chromedp.Navigate(detail), chromedp.WaitVisible(chromedp.CSS("main h1")))
		do(t, ctx, chromedp.Evaluate[chromedp.Void](`window.marker = 1`))
		keyAndLoad(t, ctx, "r")
		gone, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.marker === "undefined"`))
		require.NoError(t, err)
		require.True(t, gone, "the page was loaded again")
		require.Equal(t, detail, location(t, ctx))
	})
	t.Run("Escape closes a confirmation", func(t *testing.T) {
		click(t, ctx, `form[action$="/delete"] button`)
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#confirm[open]")))
		do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(chromedp.CSS("#confirm[open]")))
		r := e.call(t, "GET", "/api/webhooks/"+first.ID.String(), nil)
		require.Equal(t, 200, r.status, "nothing was deleted")
	})
}

// selectedName is the name of the list's selected webhook.
func selectedName(t *testing.T, ctx context.Context) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("[data-row].selected") || {dataset: {}}).dataset.webhook || ""`))
	require.NoError(t, err)
	return s
}
