/* The keying screen (sohoa/web/keying.py). Typing aids that never change what was typed on their
   own: a date is shown normalised beside its input (the input keeps what was typed); offers for a
   name or a place are listed under the input and one is taken only by ↓/↑ then Enter (or a click);
   Alt+↓ takes the row above's value; Tab goes to the next column, Enter saves (htmx) and the next
   entry comes in its place with the first input focused. The images of the next rows and the next
   page are loaded ahead. Text is sent NFC (input methods may compose marks apart). */
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function normDate(t) {
    t = t.trim();
    var m = /^(\d{2})(\d{2})(\d{4})$/.exec(t) || /^(\d{1,2})\s*[\/.\-]\s*(\d{1,2})\s*[\/.\-]\s*(\d{4})$/.exec(t);
    if (!m) return null;
    var d = +m[1], mo = +m[2], y = +m[3], dt = new Date(y, mo - 1, d);
    if (dt.getFullYear() !== y || dt.getMonth() !== mo - 1 || dt.getDate() !== d) return null;
    return pad(d) + "/" + pad(mo) + "/" + y;
  }
  function showDate(input) {
    var out = input.parentNode.querySelector(".date-shown");
    if (!out) return;
    var v = input.value.trim(), n = v ? normDate(v) : null;
    out.textContent = !v || n === v ? "" : (n ? "= " + n : "? không đọc được ngày");
  }
  function markOcr(input) {
    var cell = input.closest(".kcell");
    if (cell && input.hasAttribute("data-ocr")) cell.classList.toggle("from-ocr", input.value === input.getAttribute("data-ocr"));
  }

  // -- offers --------------------------------------------------------------------------------
  var seq = 0, timer = null;
  function listOf(input) { return input.parentNode.querySelector("ul.offers"); }
  function closeList(input) {
    var ul = listOf(input);
    if (!ul) return;
    ul.hidden = true;
    ul.innerHTML = "";
    ul.dataset.sel = "-1";
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }
  function select(input, i) {
    var ul = listOf(input), items = ul.querySelectorAll("li");
    if (!items.length) return;
    i = (i + items.length) % items.length;
    items.forEach(function (li, k) { li.setAttribute("aria-selected", k === i ? "true" : "false"); });
    ul.dataset.sel = String(i);
    input.setAttribute("aria-activedescendant", items[i].id);
    items[i].scrollIntoView({ block: "nearest" });
  }
  function take(input, text) {
    input.value = text;
    closeList(input);
    showDate(input);
    markOcr(input);
  }
  function ask(input) {
    var ul = listOf(input), sec = document.getElementById("keying");
    if (!ul || !sec) return;
    var typed = input.value, n = ++seq;
    if (typed.trim().length < 2) { closeList(input); return; }
    var url = "/books/" + sec.dataset.book + "/keying/offers?key=" + encodeURIComponent(input.dataset.key) +
      "&q=" + encodeURIComponent(typed.normalize("NFC"));
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : { offers: [] }; }).then(function (js) {
      // A stale answer (more was typed, or the focus moved on) is dropped: it only ever shows a list.
      if (n !== seq || document.activeElement !== input || input.value !== typed) return;
      ul.innerHTML = "";
      (js.offers || []).forEach(function (text, k) {
        var li = document.createElement("li");
        li.id = ul.id + "-" + k;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = text;
        li.addEventListener("mousedown", function (e) { e.preventDefault(); take(input, text); });
        ul.appendChild(li);
      });
      ul.dataset.sel = "-1";
      ul.hidden = !ul.children.length;
      input.setAttribute("aria-expanded", ul.hidden ? "false" : "true");
    }).catch(function () { /* offers are a help: none when the desk does not answer */ });
  }

  document.addEventListener("input", function (e) {
    var input = e.target;
    if (!input.closest || !input.closest("form.keying-form")) return;
    showDate(input);
    markOcr(input);
    if (listOf(input)) {
      clearTimeout(timer);
      timer = setTimeout(function () { ask(input); }, 120);
    }
  });

  document.addEventListener("keydown", function (e) {
    var input = e.target;
    if (!input.closest || !input.closest("form.keying-form") || input.tagName !== "INPUT") return;
    var ul = listOf(input), open = ul && !ul.hidden;
    if (e.altKey && e.key === "ArrowDown") {  // the row above's value, on this key only
      e.preventDefault();
      if (input.hasAttribute("data-prev")) take(input, input.getAttribute("data-prev"));
      return;
    }
    if (!open) return;
    var sel = parseInt(ul.dataset.sel || "-1", 10);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      select(input, sel + (e.key === "ArrowDown" ? 1 : -1) + (sel < 0 && e.key === "ArrowUp" ? 1 : 0));
    } else if (e.key === "Enter" && sel >= 0) {
      e.preventDefault();
      e.stopPropagation();
      take(input, ul.querySelectorAll("li")[sel].textContent);
    } else if (e.key === "Escape" || e.key === "Tab" || e.key === "Enter") {
      if (e.key === "Escape") e.preventDefault();
      closeList(input);  // Tab and Enter go on as usual: nothing taken
    }
  }, true);

  // The column being typed, framed on the row picture (when the entry keeps its cells).
  document.addEventListener("focusin", function (e) {
    var input = e.target;
    if (!input.closest || !input.closest("form.keying-form")) return;
    var mark = document.querySelector("#keying .cell-mark");
    if (!mark) return;
    var c = (input.dataset.cell || "").split(",").map(Number);
    mark.hidden = c.length !== 4;
    if (c.length !== 4) return;
    mark.style.left = c[0] + "%";
    mark.style.top = c[1] + "%";
    mark.style.width = c[2] + "%";
    mark.style.height = c[3] + "%";
  });

  document.addEventListener("focusout", function (e) {
    if (e.target.closest && e.target.closest("form.keying-form") && listOf(e.target)) closeList(e.target);
  });

  // Sent NFC: a value composed apart by an input method is the same text to everyone after.
  document.addEventListener("submit", function (e) {
    if (!e.target.matches || !e.target.matches("form.keying-form")) return;
    e.target.querySelectorAll("input[data-key]").forEach(function (i) {
      var n = i.value.normalize("NFC");
      if (n !== i.value) i.value = n;
    });
  }, true);

  // -- a new entry ----------------------------------------------------------------------------
  var fetched = {};
  function ready(sec) {
    if (!sec || sec.id !== "keying") return;
    sec.querySelectorAll(".row-mark").forEach(function (m) {
      var b = m.dataset.box.split(",").map(Number), p = m.dataset.page.split(",").map(Number);
      m.style.left = (100 * b[0] / p[0]) + "%";
      m.style.top = (100 * b[1] / p[1]) + "%";
      m.style.width = (100 * b[2] / p[0]) + "%";
      m.style.height = Math.max(0.5, 100 * b[3] / p[1]) + "%";
    });
    sec.querySelectorAll("input[data-kind='date']").forEach(showDate);
    (sec.dataset.prefetch || "").split(" ").forEach(function (url) {
      if (!url || fetched[url]) return;
      fetched[url] = true;
      var im = new Image();
      im.src = url;
    });
    var first = sec.querySelector(".keying-form input[data-key]");
    if (first) { first.focus(); first.select(); }
  }
  document.addEventListener("DOMContentLoaded", function () { ready(document.getElementById("keying")); });
  document.addEventListener("htmx:load", function (e) { ready(e.detail.elt); });
})();
