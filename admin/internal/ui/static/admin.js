// InTime admin: progressive enhancement only. Every screen works without
// this file; it adds the command palette, the keyboard shortcuts of the
// spec (§14), live updates, confirmations and small conveniences.
(function () {
  "use strict";
  var meta = function (n) { var m = document.querySelector('meta[name="' + n + '"]'); return m ? m.content : ""; };
  var csrf = meta("csrf-token"), prefix = meta("admin-prefix"), pollMS = parseInt(meta("poll-ms"), 10) || 5000;
  var pageURL = meta("page-url");
  // A page shown in answer to a form takes its own address, so that a
  // reload does not post the form again.
  if (pageURL && pageURL !== location.pathname + location.search && history.replaceState) {
    history.replaceState(null, "", pageURL + location.hash);
  }
  var $ = function (s, root) { return (root || document).querySelector(s); };
  var $$ = function (s, root) { return Array.prototype.slice.call((root || document).querySelectorAll(s)); };

  function typing(el) {
    if (!el) return false;
    var t = el.tagName;
    return t === "INPUT" || t === "TEXTAREA" || t === "SELECT" || el.isContentEditable;
  }

  // ---- Command palette (Ctrl/Cmd+K) ----
  var palette = $("#palette"), pInput = $("#palette-input"), pList = $("#palette-list");
  function addPageCommands() {
    $$("[data-command]").forEach(function (el, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.dataset.cmdIndex = String(i);
      li.textContent = el.dataset.command;
      pList.insertBefore(li, pList.firstChild);
    });
  }
  function paletteItems() { return $$("li", pList).filter(function (li) { return !li.hidden; }); }
  function paletteSelect(i) {
    var items = paletteItems();
    items.forEach(function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
    if (items[i]) items[i].scrollIntoView({ block: "nearest" });
  }
  function paletteIndex() { return paletteItems().findIndex(function (li) { return li.getAttribute("aria-selected") === "true"; }); }
  function openPalette() {
    if (!palette || palette.open) return;
    pInput.value = "";
    filterPalette();
    palette.showModal();
    pInput.focus();
  }
  function filterPalette() {
    var q = pInput.value.toLowerCase().trim();
    $$("li", pList).forEach(function (li) { li.hidden = q !== "" && li.textContent.toLowerCase().indexOf(q) < 0; });
    paletteSelect(0);
  }
  function runPalette(li) {
    if (!li) return;
    palette.close();
    if (li.dataset.href) { location.href = li.dataset.href; return; }
    var el = $$("[data-command]")[parseInt(li.dataset.cmdIndex, 10)];
    if (el) el.click();
  }
  if (palette) {
    addPageCommands();
    pInput.addEventListener("input", filterPalette);
    pInput.addEventListener("keydown", function (e) {
      var i = paletteIndex(), n = paletteItems().length;
      if (e.key === "ArrowDown") { e.preventDefault(); paletteSelect(Math.min(i + 1, n - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); paletteSelect(Math.max(i - 1, 0)); }
      else if (e.key === "Enter") { e.preventDefault(); runPalette(paletteItems()[i]); }
    });
    pList.addEventListener("click", function (e) { var li = e.target.closest("li"); if (li) runPalette(li); });
    $$("[data-palette-open]").forEach(function (b) { b.addEventListener("click", openPalette); });
  }

  // ---- Confirmations ----
  var confirmDlg = $("#confirm"), pendingForm = null;
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (!f.dataset.confirm || f.dataset.confirmed === "yes" || !confirmDlg) return;
    e.preventDefault();
    pendingForm = f;
    $("#confirm-text").textContent = f.dataset.confirm;
    confirmDlg.showModal();
    $("[data-confirm-ok]", confirmDlg).focus();
  });
  if (confirmDlg) {
    $("[data-confirm-ok]", confirmDlg).addEventListener("click", function () {
      var f = pendingForm; confirmDlg.close(); pendingForm = null;
      if (!f) return;
      f.dataset.confirmed = "yes";
      var c = document.createElement("input");
      c.type = "hidden"; c.name = "confirm"; c.value = "yes";
      f.appendChild(c);
      f.submit();
    });
    $("[data-confirm-cancel]", confirmDlg).addEventListener("click", function () { confirmDlg.close(); pendingForm = null; });
  }

  // ---- List navigation (j/k/Enter) ----
  var selected = -1;
  function rows() { var l = $("[data-list]"); return l ? $$("[data-row]", l) : []; }
  function select(i) {
    var rs = rows();
    if (!rs.length) return;
    selected = Math.max(0, Math.min(i, rs.length - 1));
    rs.forEach(function (r, j) { r.classList.toggle("selected", j === selected); r.setAttribute("aria-selected", j === selected ? "true" : "false"); });
    rs[selected].scrollIntoView({ block: "nearest" });
  }

  // ---- Keyboard shortcuts (§14) ----
  var pendingG = 0, slashDown = false;
  document.addEventListener("keyup", function (e) {
    if (e.key !== "/" || !slashDown) return;
    slashDown = false;
    var s = $("[data-search]");
    if (s) { s.focus(); if (s.select) s.select(); }
  });
  document.addEventListener("keydown", function (e) {
    if ((e.ctrlKey || e.metaKey) && (e.key === "k" || e.key === "K")) { e.preventDefault(); openPalette(); return; }
    if (e.key === "Escape") {
      $$("dialog[open]").forEach(function (d) { d.close(); });
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || (palette && palette.open)) return;
    if (pendingG && Date.now() - pendingG < 1500) {
      pendingG = 0;
      var link = $('[data-keys="g ' + e.key + '"]');
      if (link) { e.preventDefault(); location.href = link.href; }
      return;
    }
    switch (e.key) {
      case "g": pendingG = Date.now(); return;
      // "/" focuses search when the key comes up, so that the character
      // itself is never typed into it.
      case "/": if ($("[data-search]")) { e.preventDefault(); slashDown = true; } return;
      case "j": e.preventDefault(); select(selected + 1); return;
      case "k": e.preventDefault(); select(selected < 0 ? 0 : selected - 1); return;
      case "Enter":
        var rs = rows();
        if (selected >= 0 && rs[selected]) { var a = $("[data-open]", rs[selected]); if (a) { e.preventDefault(); a.click(); } }
        return;
      case "t": case "r": case "l":
        var b = $('[data-shortcut="' + e.key + '"]');
        if (b) { e.preventDefault(); b.click(); }
        else if (e.key === "r") { e.preventDefault(); location.reload(); }
        return;
    }
  });

  // ---- Live updates: poll each [data-live] fragment ----
  function poll(el) {
    if (document.hidden || el.dataset.livePaused === "1" || el.contains(document.activeElement)) return;
    fetch(el.dataset.liveUrl || pageURL || location.href, { headers: { "X-Admin-Fragment": el.dataset.live }, credentials: "same-origin" })
      .then(function (r) { return r.status === 200 && r.headers.get("X-Admin-Fragment") === el.dataset.live ? r.text() : null; })
      .then(function (html) {
        if (html === null || el.innerHTML === html) return;
        el.innerHTML = html;
        if (selected >= 0 && el.querySelector("[data-row]")) select(selected);
      })
      .catch(function () {});
  }
  $$("[data-live]").forEach(function (el) { setInterval(function () { poll(el); }, pollMS); });
  // An auto-refresh switch pauses and resumes one live part (§8 "Auto-Refresh: ON").
  $$("input[data-live-toggle]").forEach(function (box) {
    var el = $('[data-live="' + box.dataset.liveToggle + '"]');
    if (!el) return;
    var sync = function () { el.dataset.livePaused = box.checked ? "0" : "1"; if (box.checked) poll(el); };
    box.addEventListener("change", sync);
    sync();
  });

  // ---- Client-side filter of a list by the search box ----
  $$("[data-search][data-filter]").forEach(function (input) {
    input.addEventListener("input", function () {
      var q = input.value.toLowerCase();
      rows().forEach(function (r) { r.hidden = q !== "" && r.textContent.toLowerCase().indexOf(q) < 0; });
    });
  });

  // ---- Debugger: picking an event loads its sample payload ----
  var payload = $("#payload");
  $$("input[data-sample]").forEach(function (radio) {
    radio.addEventListener("change", function () { if (radio.checked && payload) payload.value = radio.dataset.sample; });
  });

  // ---- Copy buttons ----
  $$("[data-copy]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      var el = $(b.dataset.copy);
      if (!el || !navigator.clipboard) return;
      navigator.clipboard.writeText(el.value || el.textContent).then(function () { b.textContent = "Copied"; });
    });
  });

  // ---- OAuth form: switching provider reloads its scopes ----
  $$("input[data-provider-switch]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      if (radio.checked) location.href = radio.dataset.providerSwitch;
    });
  });

  // ---- Retry form: live delay preview and messages ----
  var rf = $("form[data-retry-form]");
  function num(name) { var v = rf.elements[name] && rf.elements[name].value.trim(); return v === "" || v === undefined ? undefined : Number(v); }
  // Answers can come back out of order (one request per keystroke or
  // click): only the latest request's answer is shown.
  var previewSeq = 0;
  function retryPreview() {
    var mine = ++previewSeq;
    var strategy = $("input[name=retryStrategy]:checked", rf);
    var body = {
      maxRetries: num("maxRetries"), retryStrategy: strategy ? strategy.value : undefined,
      fixedDelay: num("fixedDelay"), maxDelay: num("maxDelay"), attemptTimeout: num("attemptTimeout"),
      enableJitter: rf.elements.enableJitter.checked, enableDlq: rf.elements.enableDlq.checked,
      retryOn: $$("input[name=retryOn]:checked", rf).map(function (c) { return c.value; })
    };
    fetch(prefix + "/api/retry/preview", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf }, body: JSON.stringify(body)
    }).then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
      .then(function (res) {
        if (mine !== previewSeq) return;
        var fields = res.ok ? {} : ((res.j.error && res.j.error.fields) || {});
        $$("[data-error-for]", rf).forEach(function (p) {
          var msg = fields[p.dataset.errorFor] || "";
          p.textContent = msg; p.hidden = msg === "";
          var input = rf.elements[p.dataset.errorFor];
          if (input && input.setAttribute) input.setAttribute("aria-invalid", msg ? "true" : "false");
        });
        if (res.ok) $("#retry-preview").textContent = res.j.preview;
      }).catch(function () {});
  }
  if (rf) { rf.addEventListener("input", retryPreview); rf.addEventListener("change", retryPreview); }
})();
