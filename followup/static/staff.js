/* followup staff pages: small progressive enhancement, no dependencies.
 * Every page works without it; with it the flag queue updates itself, the
 * message box counts SMS segments and the CSV import shows progress. */
(function () {
  "use strict";

  function csrf(form) {
    var input = (form || document).querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  /* -- live flag queue ------------------------------------------------------ */
  var queue = document.getElementById("queue");
  var soundToggle = document.getElementById("sound-toggle");
  var audioCtx = null;

  if (soundToggle) {
    soundToggle.checked = localStorage.getItem("followup.sound") === "on";
    soundToggle.addEventListener("change", function () {
      localStorage.setItem("followup.sound", soundToggle.checked ? "on" : "off");
      if (soundToggle.checked) { beep(); }  // also unlocks audio after a user gesture
    });
  }

  function beep() {
    document.body.dataset.beeps = String(parseInt(document.body.dataset.beeps || "0", 10) + 1);
    try {
      audioCtx = audioCtx || new (window.AudioContext || window.webkitAudioContext)();
      var osc = audioCtx.createOscillator();
      var gain = audioCtx.createGain();
      osc.type = "square";
      osc.frequency.value = 880;
      gain.gain.value = 0.15;
      osc.connect(gain); gain.connect(audioCtx.destination);
      osc.start();
      osc.stop(audioCtx.currentTime + 0.35);
    } catch (e) { /* no audio: the visible cue remains */ }
  }

  function soundOn() { return soundToggle && soundToggle.checked; }

  /* A card nobody is typing in is replaced whole (its escalation line, its
   * overdue mark and its waiting time change); in one being typed in, only
   * the [data-live] parts are, so a half-written note survives. */
  function refreshCard(existing, fresh) {
    if (!existing.contains(document.activeElement)) {
      if (existing.classList.contains("is-new")) {
        fresh.classList.add("is-new");
        var cue = fresh.querySelector(".new-cue");
        if (cue) { cue.hidden = false; }
      }
      existing.replaceWith(fresh);
      return fresh;
    }
    fresh.querySelectorAll("[data-live]").forEach(function (part) {
      var old = existing.querySelector('[data-live="' + part.dataset.live + '"]');
      if (old) { old.replaceWith(part.cloneNode(true)); }
    });
    return existing;
  }

  function syncList(current, incoming, newIds) {
    var wanted = Array.prototype.map.call(incoming.children, function (li) { return li.dataset.flagId; });
    // Remove flags no longer in this list, unless a nurse is typing in one.
    Array.prototype.slice.call(current.children).forEach(function (li) {
      if (wanted.indexOf(li.dataset.flagId) === -1 && !li.contains(document.activeElement)) {
        li.remove();
      }
    });
    var prev = null;
    Array.prototype.forEach.call(Array.prototype.slice.call(incoming.children), function (fresh) {
      var id = fresh.dataset.flagId;
      var existing = current.querySelector('[data-flag-id="' + id + '"]');
      if (existing) {
        prev = refreshCard(existing, fresh);
        return;
      }
      var other = document.querySelector('[data-flag-id="' + id + '"]');
      if (other && other.contains(document.activeElement)) { prev = other; return; }
      if (other) {
        other.remove();  // moved between lists (acknowledged elsewhere)
      } else {
        newIds.push(fresh);
        fresh.classList.add("is-new");
        var cue = fresh.querySelector(".new-cue");
        if (cue) { cue.hidden = false; }
      }
      if (prev && prev.parentNode === current) { prev.after(fresh); } else { current.prepend(fresh); }
      prev = fresh;
    });
  }

  /* -- idle sign-out: warn first, then keep telling (counts only) ------------ */
  var idle = null, signedOut = false, pagerToken = "", lastWaiting = null;

  function syncIdle(secondsLeft) {
    if (!isNaN(secondsLeft)) { idle.left = secondsLeft; idle.at = Date.now(); }
  }

  function idleLeft() { return idle.left - (Date.now() - idle.at) / 1000; }

  function idleTick() {
    if (signedOut) { return; }
    var left = idleLeft();
    var box = document.getElementById("idle-warning");
    if (left <= idle.warn) {
      var s = Math.max(0, Math.ceil(left));
      document.getElementById("idle-countdown").textContent =
        Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
      if (box.hidden) {
        box.hidden = false;
        // Move focus to the button only if nobody is typing somewhere.
        var active = document.activeElement;
        if (!active || active === document.body) { document.getElementById("stay-signed-in").focus(); }
      }
    } else {
      box.hidden = true;
    }
    if (left <= 0) { poll(); }
  }

  function wireStaySignedIn() {
    var button = document.getElementById("stay-signed-in");
    if (!button) { return; }
    button.addEventListener("click", function () {
      fetch(queue.dataset.keepaliveUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", "X-CSRF-Token": csrf() }
      }).then(function (resp) {
        if (resp.status === 401) { return resp.json().then(signOut); }
        return resp.json().then(function (json) {
          syncIdle(json.idle_seconds_left);
          idleTick();
          document.getElementById("live-status").textContent = "Still signed in.";
        });
      }).catch(function () {
        document.getElementById("live-status").textContent = "Connection lost: retrying…";
      });
    });
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function showWaiting() {
    fetch(queue.dataset.waitingUrl, {
      credentials: "omit", headers: { "X-Pager-Token": pagerToken }
    }).then(function (resp) {
      return resp.json().then(function (json) { return { ok: resp.ok, json: json }; });
    }).then(function (r) {
      var out = document.getElementById("waiting-counts");
      if (!r.ok) { out.textContent = r.json.error || "Sign in again to see new flags."; return; }
      var c = r.json;
      var parts = [];
      if (c.emergency) { parts.push(plural(c.emergency, "emergency", "emergencies")); }
      if (c.urgent) { parts.push(plural(c.urgent, "urgent flag", "urgent flags")); }
      if (c.routine) { parts.push(plural(c.routine, "routine flag", "routine flags")); }
      var total = c.emergency + c.urgent + c.routine;
      out.textContent = total ? parts.join(", ") + " waiting. Sign in to see them."
                              : "No open flags waiting right now. This page keeps checking.";
      out.className = "waiting-counts" + (c.emergency ? " has-emergency" : "");
      document.title = (total ? "(" + total + " waiting) " : "") + "Signed out · followup";
      if (lastWaiting !== null && c.emergency > lastWaiting.emergency && soundOn()) { beep(); }
      lastWaiting = c;
    }).catch(function () {
      document.getElementById("waiting-counts").textContent =
        "Connection lost: cannot check for new flags. Sign in again when it is back.";
    });
  }

  function signOut(json) {
    if (signedOut) { return; }
    signedOut = true;
    // Nothing about any patient stays on a screen nobody is signed in to.
    queue.innerHTML = "";
    queue.classList.add("is-signed-out");
    // Nor who was signed in, or controls that only work when signed in.
    document.querySelectorAll(".topbar nav, .topbar .signout, #queue-filters").forEach(
      function (el) { el.hidden = true; });
    document.getElementById("idle-warning").hidden = true;
    document.getElementById("live-announce").textContent = "";
    document.getElementById("live-status").textContent = "Signed out.";
    var box = document.getElementById("signed-out");
    document.getElementById("signed-out-text").textContent =
      (json && json.error) || "You are signed out.";
    box.hidden = false;
    showWaiting();
    setInterval(showWaiting, pollSeconds * 1000);
  }

  function poll() {
    if (signedOut) { return; }
    var url = queue.dataset.pollUrl;
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (resp) {
        if (resp.status === 401) { return resp.json().then(function (json) { signOut(json); return null; }); }
        if (!resp.ok) { throw new Error("HTTP " + resp.status); }
        syncIdle(parseFloat(resp.headers.get("X-Idle-Seconds-Left")));
        pagerToken = resp.headers.get("X-Pager-Token") || pagerToken;
        return resp.text();
      })
      .then(function (html) {
        if (html === null || signedOut) { return; }
        var doc = new DOMParser().parseFromString("<div>" + html + "</div>", "text/html");
        var fresh = [];
        ["open", "acked"].forEach(function (name) {
          var cur = queue.querySelector('[data-list="' + name + '"]');
          var inc = doc.querySelector('[data-list="' + name + '"]');
          if (cur && inc) { syncList(cur, inc, fresh); }
          var curCount = queue.querySelector('[data-count="' + name + '"]');
          var incCount = doc.querySelector('[data-count="' + name + '"]');
          if (curCount && incCount) { curCount.textContent = incCount.textContent; }
          var empty = queue.querySelector('[data-empty="' + name + '"]');
          if (empty) { empty.hidden = cur && cur.children.length > 0; }
        });
        var status = document.getElementById("live-status");
        status.textContent = "Live · updated " + new Date().toLocaleTimeString();
        idleTick();
        if (fresh.length) {
          var emergencies = fresh.filter(function (li) { return li.dataset.level === "emergency"; });
          document.getElementById("live-announce").textContent =
            fresh.length + " new flag" + (fresh.length > 1 ? "s" : "") +
            (emergencies.length ? ", " + emergencies.length + " emergency" : "");
          document.title = "(" + fresh.length + " new) Flags · followup";
          if (emergencies.length && soundOn()) { beep(); }
        }
      })
      .catch(function () {
        var status = document.getElementById("live-status");
        status.textContent = "Connection lost: retrying… (this list may be out of date)";
      });
  }

  var pollSeconds = 4;
  if (queue) {
    pollSeconds = parseFloat(queue.dataset.pollSeconds || "4");
    pagerToken = queue.dataset.pagerToken || "";
    idle = { left: parseFloat(queue.dataset.idleLeft), warn: parseFloat(queue.dataset.idleWarning),
             at: Date.now() };
    wireStaySignedIn();
    setInterval(poll, pollSeconds * 1000);
    setInterval(idleTick, 1000);
    document.addEventListener("focusin", function () {
      if (!signedOut) { document.title = "Flags · followup"; }
    });
  }

  /* -- SMS segment counter (an estimate; the server checks exactly) -------- */
  var body = document.querySelector("textarea[data-segments]");
  if (body) {
    var out = document.getElementById("seg-count");
    var gsm = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-.\/0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\\[~\]|€\f]*$/;
    var update = function () {
      var text = body.value.trim();
      var isGsm = gsm.test(text);
      var single = isGsm ? 160 : 70, multi = isGsm ? 153 : 67;
      var n = text.length === 0 ? 0 : (text.length <= single ? 1 : Math.ceil(text.length / multi));
      var max = parseInt(body.dataset.segments, 10);
      out.textContent = text.length + " characters · about " + n + " SMS segment" + (n === 1 ? "" : "s") +
        (n > max ? " — too long, at most " + max : "");
    };
    body.addEventListener("input", update);
    update();
  }

  /* -- confirmations --------------------------------------------------------- */
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!window.confirm(form.dataset.confirm)) { ev.preventDefault(); }
    });
  });

  /* -- CSV import in chunks with a progress bar ------------------------------- */
  var importForm = document.getElementById("import-form");
  if (importForm) {
    importForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var button = importForm.querySelector("button[type=submit]");
      button.disabled = true;
      var wrap = document.getElementById("import-progress-wrap");
      var bar = document.getElementById("import-progress");
      var text = document.getElementById("import-progress-text");
      wrap.hidden = false;
      var validOnly = importForm.querySelector("#valid-only");
      var step = function () {
        var data = new FormData();
        data.append("csrf_token", csrf(importForm));
        if (validOnly && validOnly.checked) { data.append("valid_only", "1"); }
        fetch(importForm.dataset.chunkUrl, {
          method: "POST", body: data, credentials: "same-origin",
          headers: { "X-Requested-With": "fetch", "X-CSRF-Token": csrf(importForm) }
        }).then(function (resp) {
          return resp.json().then(function (json) { return { ok: resp.ok, json: json }; });
        }).then(function (r) {
          if (!r.ok) {
            text.textContent = r.json.error || "The import stopped.";
            button.disabled = false;
            return;
          }
          bar.max = r.json.total; bar.value = r.json.done;
          text.textContent = r.json.done + " of " + r.json.total + " rows";
          if (r.json.status === "done") {
            text.textContent = "Done: " + r.json.imported + " patients enrolled.";
            window.location.reload();
          } else { step(); }
        }).catch(function () {
          text.textContent = "Connection lost. Press Import again to continue where it stopped.";
          button.disabled = false;
        });
      };
      step();
    });
  }
})();
