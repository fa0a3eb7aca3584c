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
        var w1 = existing.querySelector(".waited"), w2 = fresh.querySelector(".waited");
        if (w1 && w2) { w1.textContent = w2.textContent; }
        prev = existing;
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

  function poll() {
    var url = queue.dataset.pollUrl;
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (resp) {
        if (resp.status === 401) { window.location.href = "/login?next=/"; return null; }
        if (!resp.ok) { throw new Error("HTTP " + resp.status); }
        return resp.text();
      })
      .then(function (html) {
        if (html === null) { return; }
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
        if (fresh.length) {
          var emergencies = fresh.filter(function (li) { return li.dataset.level === "emergency"; });
          document.getElementById("live-announce").textContent =
            fresh.length + " new flag" + (fresh.length > 1 ? "s" : "") +
            (emergencies.length ? ", " + emergencies.length + " emergency" : "");
          document.title = "(" + fresh.length + " new) Flags · followup";
          if (emergencies.length && soundToggle && soundToggle.checked) { beep(); }
        }
      })
      .catch(function () {
        var status = document.getElementById("live-status");
        status.textContent = "Connection lost: retrying… (this list may be out of date)";
      });
  }

  if (queue) {
    var seconds = parseFloat(queue.dataset.pollSeconds || "4");
    setInterval(poll, seconds * 1000);
    document.addEventListener("focusin", function () { document.title = "Flags · followup"; });
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
