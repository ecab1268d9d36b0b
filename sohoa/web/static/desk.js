/* sohoa desk: the page viewer (zoom, rotate, boxes drawn over the page). No build step.
   Boxes carry data-box="left,top,width,height" in the page image's pixels (data-w × data-h on the
   viewer); they are placed in percent, so they follow the image when it is zoomed or turned. */
(function () {
  "use strict";
  var TURNS = [0, 90, 180, 270];

  function viewer(v) {
    var frame = v.querySelector(".viewer-frame");
    var canvas = v.querySelector(".viewer-canvas");
    var stage = v.querySelector(".viewer-stage");
    var img = stage && stage.querySelector("img");
    if (!frame || !canvas || !stage || !img) return;
    var zoom = 1, turn = 0;
    v.classList.add("ready");
    var pw = parseFloat(v.dataset.w), ph = parseFloat(v.dataset.h);

    stage.querySelectorAll("[data-box]").forEach(function (b) {
      var r = b.dataset.box.split(",").map(Number);
      if (!pw || !ph || r.length !== 4) { b.remove(); return; }
      b.style.left = (100 * r[0] / pw) + "%";
      b.style.top = (100 * r[1] / ph) + "%";
      b.style.width = (100 * r[2] / pw) + "%";
      b.style.height = (100 * r[3] / ph) + "%";
    });

    function layout() {
      if (!img.naturalWidth) return;
      var ratio = img.naturalHeight / img.naturalWidth;
      var sideways = turn % 180 !== 0;
      var fit = Math.max(200, frame.clientWidth - 4);
      var w = (sideways ? fit / ratio : fit) * zoom, h = w * ratio;
      stage.style.width = w + "px";
      stage.style.height = h + "px";
      canvas.style.width = (sideways ? h : w) + "px";
      canvas.style.height = (sideways ? w : h) + "px";
      stage.style.transform = {
        0: "none",
        90: "translate(" + h + "px,0) rotate(90deg)",
        180: "translate(" + w + "px," + h + "px) rotate(180deg)",
        270: "translate(0," + w + "px) rotate(270deg)"
      }[turn];
    }

    function act(name) {
      if (name === "zoom-in") zoom = Math.min(6, zoom * 1.25);
      else if (name === "zoom-out") zoom = Math.max(0.4, zoom / 1.25);
      else if (name === "fit") zoom = 1;
      else if (name === "rotate") turn = TURNS[(TURNS.indexOf(turn) + 1) % 4];
      else return false;
      layout();
      return true;
    }

    v.querySelectorAll("button[data-act]").forEach(function (btn) {
      btn.addEventListener("click", function () { act(btn.dataset.act); });
    });
    var toggle = v.querySelector("input[data-act=boxes]");
    if (toggle) toggle.addEventListener("change", function () { stage.classList.toggle("show-boxes", toggle.checked); });
    v.addEventListener("keydown", function (e) {
      if (e.target.tagName === "INPUT" || e.target.tagName === "TEXTAREA" || e.ctrlKey || e.metaKey || e.altKey) return;
      var map = { "+": "zoom-in", "=": "zoom-in", "-": "zoom-out", "0": "fit", "r": "rotate", "R": "rotate" };
      if (map[e.key] && act(map[e.key])) e.preventDefault();
    });
    // Bring a field's boxes (in the page's pixels) into view, zoomed so the words can be read.
    v.focusBoxes = function (rects) {
      if (!rects.length || !pw || !ph || turn !== 0 || !img.naturalWidth) return;
      var l = Infinity, t = Infinity, r = 0, b = 0;
      rects.forEach(function (x) { l = Math.min(l, x[0]); t = Math.min(t, x[1]); r = Math.max(r, x[0] + x[2]); b = Math.max(b, x[1] + x[3]); });
      var fit = Math.max(200, frame.clientWidth - 4);
      var want = (0.7 * frame.clientWidth) / (fit * (r - l) / pw);  // the field spans 70 % of the frame…
      zoom = Math.max(1, Math.min(2.5, want));                       // …within reason
      layout();
      var scale = fit * zoom / pw;
      frame.scrollLeft = Math.max(0, (l + r) / 2 * scale - frame.clientWidth / 2);
      frame.scrollTop = Math.max(0, (t + b) / 2 * scale - frame.clientHeight / 2);
    };
    img.addEventListener("load", layout);
    window.addEventListener("resize", layout);
    if (img.complete) layout();
  }

  function setup(root) {
    var found = root.matches && root.matches("[data-viewer]") ? [root] : [];
    if (root.querySelectorAll) found = found.concat(Array.prototype.slice.call(root.querySelectorAll("[data-viewer]")));
    found.forEach(function (v) {
      if (v.dataset.ready) return;
      v.dataset.ready = "1";
      viewer(v);
    });
  }

  // A panel row (data-field) lights its boxes on the page image while pointed at or focused.
  function light(e, on) {
    var row = e.target.closest && e.target.closest("[data-field]");
    if (!row) return;
    document.querySelectorAll(".viewer-stage .box[data-ref]").forEach(function (b) {
      if (b.dataset.ref === row.dataset.field && !b.classList.contains("pinned")) b.classList.toggle("hot", on);
    });
  }
  document.addEventListener("mouseover", function (e) { light(e, true); });
  document.addEventListener("mouseout", function (e) { light(e, false); });
  document.addEventListener("focusin", function (e) {
    light(e, true);
    var row = e.target.closest && e.target.closest("form.field-row");
    if (row) {  // the whole field in view, its notes (the printed reading) too
      var at = row.getBoundingClientRect();
      if (at.bottom > window.innerHeight - 8 || at.top < 0) row.scrollIntoView({ block: "center" });
    }
    var v = document.querySelector("[data-viewer]");
    if (!row || !v || !v.focusBoxes) return;
    var rects = [];
    document.querySelectorAll(".viewer-stage .box[data-ref]").forEach(function (b) {
      if (b.dataset.ref === row.dataset.field) rects.push(b.dataset.box.split(",").map(Number));
    });
    v.focusBoxes(rects);
  });
  document.addEventListener("focusout", function (e) { light(e, false); });

  // The fields panel: each field is a one-input form (htmx saves it as the clerk types, Enter
  // confirms). After Enter, the confirmed row comes back redrawn: move on to the next field, and
  // redraw that field's boxes on the image (no longer doubtful).
  var confirming = null;
  document.addEventListener("submit", function (e) {
    var row = e.target.closest && e.target.closest("form.field-row");
    if (row) confirming = row.dataset.field;
  }, true);
  function fieldLoaded(row) {
    var sure = !row.classList.contains("doubt");
    document.querySelectorAll(".viewer-stage .box[data-ref]").forEach(function (b) {
      if (b.dataset.ref !== row.dataset.field) return;
      b.classList.toggle("box-doubt", !sure);
      b.classList.toggle("box-field", sure);
    });
    if (confirming !== row.dataset.field) return;
    confirming = null;
    // On to the next field still to confirm (after this one, then from the top); when none is left,
    // to the filing button, so a dossier is checked and filed from the keyboard.
    // (the fields not read, offered apart, are not in the round: most are rightly empty)
    var rows = Array.prototype.slice.call(document.querySelectorAll("form.field-row:not(.missing)"));
    var at = rows.indexOf(row);
    var order = rows.slice(at + 1).concat(rows.slice(0, at));
    var next = order.filter(function (r) { return !r.classList.contains("confirmed"); })[0];
    var input = next ? next.querySelector("[name=value]") : null;
    var file = document.querySelector("#filing .create-entry button.btn-primary, #filing .proposal-actions button.btn-primary");
    if (input) { input.focus(); input.select(); }
    else if (file) { file.focus(); file.scrollIntoView({ block: "center" }); }
    else { var own = row.querySelector("[name=value]"); if (own) own.focus(); }
  }

  // Typing not yet sent when the page is left (reload, link): send it with the page's CSRF token.
  var dirty = new Map();
  document.addEventListener("input", function (e) {
    if (!(e.target.matches && e.target.matches("[data-autosave]"))) return;
    dirty.set(e.target, true);
    keep(e.target, false);
    var row = e.target.closest("form.field-row");
    if (row) row.classList.remove("confirmed");  // a changed value is no longer the one confirmed
  });
  document.addEventListener("htmx:beforeRequest", function (e) {
    var elt = e.detail.elt;
    if (elt && elt.matches && elt.matches("[data-autosave]")) dirty.delete(elt);
    else if (elt && elt.matches && elt.matches("form.field-row")) {
      var inp = elt.querySelector("[data-autosave]");
      if (inp) { dirty.delete(inp); keep(inp, true); }
    }
  });

  // Enter in a multi-line field confirms, as in a one-line one; Alt+I takes the printed reading.
  document.addEventListener("keydown", function (e) {
    var row = e.target.closest && e.target.closest("form.field-row");
    if (!row) return;
    if (e.key === "Enter" && e.target.tagName === "TEXTAREA" && !e.shiftKey) {
      e.preventDefault();
      if (row.requestSubmit) row.requestSubmit(); else htmx.trigger(row, "submit");
    } else if (e.altKey && (e.key === "i" || e.key === "I")) {
      var use = row.querySelector(".use-printed");
      if (use) { e.preventDefault(); usePrinted(use); }
    }
  });
  function usePrinted(btn) {
    var row = btn.closest("form.field-row");
    var input = row && row.querySelector("[name=value]");
    if (!input) return;
    input.value = btn.dataset.printed;
    input.dispatchEvent(new Event("input", { bubbles: true }));  // saved like typing
    input.focus();
  }
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest(".use-printed");
    if (btn) { e.preventDefault(); usePrinted(btn); return; }
    // "còn N trường chưa xác nhận →": to the first of them, on this page without reloading.
    var go = e.target.closest && e.target.closest("a[data-goto]");
    if (go) {
      var target = document.getElementById(go.dataset.goto);
      if (target) { e.preventDefault(); goTo(target); }
    }
  });
  function goTo(input) {
    input.scrollIntoView({ block: "center" });
    input.focus();
    if (input.select) input.select();
  }

  // Never lose a keystroke. What was typed is kept in this browser (localStorage) until the server
  // has it; when the server is down or answers an error a banner says so, and the values are sent
  // again every few seconds, and again after a reload or a new login.
  // Kept per person: what one clerk typed is never sent under another's login on the same machine,
  // and nothing is kept longer than a day.
  var STORE = "sohoa.unsaved";
  var DAY = 24 * 3600 * 1000;
  function me() { return document.body ? document.body.getAttribute("data-user") || "" : ""; }
  function pending() {
    var all;
    try { all = JSON.parse(localStorage.getItem(STORE) || "{}"); } catch (err) { all = {}; }
    var mine = {};
    Object.keys(all).forEach(function (url) {
      var v = all[url];
      if (v && v.user === me() && Date.now() - (v.at || 0) < DAY) mine[url] = v;
    });
    return mine;
  }
  function setPending(mine) {
    var all;
    try { all = JSON.parse(localStorage.getItem(STORE) || "{}"); } catch (err) { all = {}; }
    Object.keys(all).forEach(function (url) {
      var v = all[url];
      if (!v || v.user === me() || Date.now() - (v.at || 0) >= DAY) delete all[url];
    });
    Object.keys(mine).forEach(function (url) { all[url] = mine[url]; });
    try { localStorage.setItem(STORE, JSON.stringify(all)); } catch (err) { /* full or off */ }
  }
  function keep(input, confirm) {
    var url = input.getAttribute("hx-post");
    if (!url) return;
    var p = pending();
    p[url] = { value: input.value, confirm: confirm || !!(p[url] && p[url].confirm && p[url].value === input.value), page: location.pathname + location.search, at: Date.now(), user: me() };
    setPending(p);
  }
  function saved(input, confirmed) {
    var url = input.getAttribute("hx-post");
    var p = pending();
    if (p[url] && p[url].value === input.value && (confirmed || !p[url].confirm)) { delete p[url]; setPending(p); }
  }
  function banner(text, ok, state) {
    var b = document.getElementById("save-banner");
    if (!b) return;
    b.textContent = text;
    b.dataset.state = state || "";
    b.classList.toggle("ok", !!ok);
    b.hidden = !text;
  }
  var retry = null;
  function failed(status) {
    banner(status
      ? "Chưa lưu được: máy chủ báo lỗi (" + status + "). Chữ đã gõ vẫn được giữ trên máy này và sẽ được gửi lại."
      : "Chưa lưu được — máy chủ không trả lời. Chữ đã gõ vẫn được giữ trên máy này và sẽ được gửi lại khi máy chủ trả lời.",
      false, "failed");
    if (!retry) retry = setInterval(resend, 4000);
  }
  function inputFor(url) {
    return document.querySelector('[data-autosave][hx-post="' + url.replace(/"/g, "") + '"]');
  }
  function resend() {
    var p = pending(), left = 0;
    Object.keys(p).forEach(function (url) {
      var input = inputFor(url);
      if (!input) return;
      left++;
      if (input.value !== p[url].value) input.value = p[url].value;
      var row = input.closest("form.field-row");
      if (p[url].confirm && row) htmx.trigger(row, "submit");
      else htmx.trigger(input, "change");
    });
    if (!left && retry) { clearInterval(retry); retry = null; }
  }
  function settled() {
    var b = document.getElementById("save-banner");
    if (!b || (b.dataset.state !== "failed" && b.dataset.state !== "resending")) return;
    var here = Object.keys(pending()).filter(function (u) { return inputFor(u); });
    if (here.length) return;
    banner("Đã lưu lại các chữ đã gõ.", true);
    setTimeout(function () { if (b.classList.contains("ok")) banner(""); }, 4000);
    if (retry) { clearInterval(retry); retry = null; }
  }
  // An autosave answered: the value reached the server.
  document.addEventListener("htmx:afterRequest", function (e) {
    var elt = e.detail.elt;
    if (!e.detail.successful || !(elt && elt.matches && elt.matches("[data-autosave]"))) return;
    saved(elt, false);
    settled();
  });
  // A confirmation answered (the row is about to be redrawn, so caught before the swap).
  document.addEventListener("htmx:beforeSwap", function (e) {
    var elt = e.detail.elt, xhr = e.detail.xhr;
    if (!(elt && elt.matches && elt.matches("form.field-row")) || !xhr || xhr.status >= 400) return;
    var inp = elt.querySelector("[data-autosave]");
    var url = inp && inp.getAttribute("hx-post");
    var p = pending();
    if (url && p[url]) { delete p[url]; setPending(p); }
    setTimeout(settled, 0);
  });
  document.addEventListener("htmx:sendError", function () { failed(0); });
  document.addEventListener("htmx:responseError", function (e) {
    var st = e.detail.xhr ? e.detail.xhr.status : 0;
    if (st !== 401) failed(st);  // 401: the session ended; htmx goes to the login page (HX-Redirect)
  });
  // After a reload or a new login: put back what was typed and not saved, and send it.
  function restore() {
    var p = pending(), n = 0;
    Object.keys(p).forEach(function (url) {
      var input = inputFor(url);
      if (!input) return;
      n++;
      input.value = p[url].value;
      var row = input.closest("form.field-row");
      if (row) row.classList.remove("confirmed");
    });
    if (n) {
      banner("Đang gửi lại " + n + " ô đã gõ mà chưa lưu được…", true, "resending");
      resend();
    }
  }
  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRF-Token"] || ""; } catch (err) { return ""; }
  }
  window.addEventListener("pagehide", function () {
    if (!navigator.sendBeacon) return;
    dirty.forEach(function (_, input) {
      var fd = new FormData();
      fd.append("value", input.value);
      fd.append("csrf_token", csrf());
      navigator.sendBeacon(input.getAttribute("hx-post"), fd);
    });
    dirty.clear();
  });

  document.addEventListener("DOMContentLoaded", function () {
    setup(document);
    var m = /^#(field-[\w-]+)$/.exec(location.hash);
    var target = m && document.getElementById(m[1]);
    if (target) goTo(target);
    // A book page opened for one entry (#entry-N): its row lit on the image and brought into view.
    var en = /^#(entry-\d+)$/.exec(location.hash);
    if (en && document.getElementById(en[1])) {
      var rects = [];
      document.querySelectorAll('.viewer-stage .box[data-ref="' + en[1] + '"]').forEach(function (b) {
        b.classList.add("hot", "pinned");
        rects.push(b.dataset.box.split(",").map(Number));
      });
      var v = document.querySelector("[data-viewer]");
      var img = v && v.querySelector(".viewer-stage img");
      var show = function () { if (v && v.focusBoxes) v.focusBoxes(rects); };
      if (img && !img.complete) img.addEventListener("load", show); else show();
    }
    if (window.htmx) restore(); else setTimeout(restore, 0);
  });
  document.addEventListener("htmx:load", function (e) {
    setup(e.detail.elt);
    var elt = e.detail.elt;
    if (elt && elt.matches && elt.matches("form.field-row")) fieldLoaded(elt);
    // Book verification: an entry confirmed in place; on to the next one not verified yet.
    if (elt && elt.matches && elt.matches("section.entry-verify[data-verified-now]")) {
      var next = document.querySelector("section.entry-verify.unverified");
      var input = next && next.querySelector("input[name^=f_]");
      if (input) { next.scrollIntoView({ block: "start" }); input.focus(); input.select(); }
    }
  });
})();
// A print button (the intake receipt): the browser's print dialog, the page's print stylesheet.
document.addEventListener("click", function (e) {
  var b = e.target && e.target.closest && e.target.closest("[data-print]");
  if (b) window.print();
});
