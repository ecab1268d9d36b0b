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
      if (e.target.tagName === "INPUT" || e.ctrlKey || e.metaKey || e.altKey) return;
      var map = { "+": "zoom-in", "=": "zoom-in", "-": "zoom-out", "0": "fit", "r": "rotate", "R": "rotate" };
      if (map[e.key] && act(map[e.key])) e.preventDefault();
    });
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
      if (b.dataset.ref === row.dataset.field) b.classList.toggle("hot", on);
    });
  }
  document.addEventListener("mouseover", function (e) { light(e, true); });
  document.addEventListener("mouseout", function (e) { light(e, false); });
  document.addEventListener("focusin", function (e) { light(e, true); });
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
    var rows = Array.prototype.slice.call(document.querySelectorAll("form.field-row"));
    var next = rows[rows.indexOf(row) + 1];
    var input = next ? next.querySelector("input[name=value]") : null;
    if (input) { input.focus(); input.select(); }
    else { var own = row.querySelector("input[name=value]"); if (own) own.focus(); }
  }

  // Typing not yet sent when the page is left (reload, link): send it with the page's CSRF token.
  var dirty = new Map();
  document.addEventListener("input", function (e) {
    if (e.target.matches && e.target.matches("input[data-autosave]")) dirty.set(e.target, true);
  });
  document.addEventListener("htmx:beforeRequest", function (e) {
    var elt = e.detail.elt;
    if (elt && elt.matches && elt.matches("input[data-autosave]")) dirty.delete(elt);
    else if (elt && elt.matches && elt.matches("form.field-row")) {
      var inp = elt.querySelector("input[data-autosave]");
      if (inp) dirty.delete(inp);
    }
  });
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

  document.addEventListener("DOMContentLoaded", function () { setup(document); });
  document.addEventListener("htmx:load", function (e) {
    setup(e.detail.elt);
    var elt = e.detail.elt;
    if (elt && elt.matches && elt.matches("form.field-row")) fieldLoaded(elt);
  });
})();
