// Progressive enhancement only: every page works without this file.
// Forms marked data-busy show a progress bar and block double submits while the
// server works (imports, exports).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute("data-busy")) return;
  var bar = form.querySelector("progress.busy");
  if (bar) bar.hidden = false;
  form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
});

// A table wider than the screen scrolls inside its box (a lesson table itself, any
// other table in its .table-wrap): say so above it. While it scrolls, the box is in
// the tab order too, or its hidden columns are out of reach without a mouse
// (WCAG 2.1.1; axe: scrollable-region-focusable).
function markWideTables() {
  var hint = document.body.getAttribute("data-table-hint");
  if (!hint) return;
  document.querySelectorAll(".prose table, .table-wrap").forEach(function (table) {
    var wide = table.scrollWidth > table.clientWidth + 1;
    table.classList.toggle("wide", wide);
    if (wide) {
      table.tabIndex = 0;
    } else {
      table.removeAttribute("tabindex");
    }
    var shown = table.previousElementSibling &&
      table.previousElementSibling.classList.contains("scroll-hint");
    if (wide && !shown) {
      var note = document.createElement("p");
      note.className = "scroll-hint";
      note.textContent = hint;
      table.parentNode.insertBefore(note, table);
    } else if (!wide && shown) {
      table.previousElementSibling.remove();
    }
  });
}
document.addEventListener("DOMContentLoaded", markWideTables);
window.addEventListener("resize", markWideTables);

// A code block wider than the screen scrolls too (its lines must not wrap): it joins
// the tab order while it does, like a wide table, without the table hint.
function focusWideCode() {
  document.querySelectorAll(".prose pre").forEach(function (block) {
    if (block.scrollWidth > block.clientWidth + 1) {
      block.tabIndex = 0;
    } else {
      block.removeAttribute("tabindex");
    }
  });
}
document.addEventListener("DOMContentLoaded", focusWideCode);
window.addEventListener("resize", focusWideCode);

// Menus marked data-open-wide are open on a laptop. style.css does it with
// ::details-content; where a browser does not know that selector, open them here.
document.addEventListener("DOMContentLoaded", function () {
  if (window.CSS && CSS.supports && CSS.supports("selector(::details-content)")) return;
  if (!window.matchMedia("(min-width: 48rem)").matches) return;
  document.querySelectorAll("details[data-open-wide]").forEach(function (menu) { menu.open = true; });
});


// Parts of a form that apply to one choice only (quiz settings for a quiz) follow
// that choice: <fieldset data-shown-for="kind=quiz">.
function followChoices() {
  document.querySelectorAll("[data-shown-for]").forEach(function (part) {
    var rule = part.getAttribute("data-shown-for").split("=");
    var field = part.form ? part.form.elements[rule[0]] : document.getElementsByName(rule[0])[0];
    if (!field) return;
    var update = function () { part.hidden = field.value !== rule[1]; };
    field.addEventListener("change", update);
    update();
  });
}
document.addEventListener("DOMContentLoaded", followChoices);

// A form marked data-warn-unsaved asks before the page is left with changes unsaved.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
    var changed = false;
    // A control placed inside but owned by another form (form="...") is not this form's.
    var mark = function (event) { if (event.target.form === form) changed = true; };
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function () { changed = false; });
    window.addEventListener("beforeunload", function (event) {
      if (!changed) return;
      event.preventDefault();
      event.returnValue = "";
    });
  });
});

// Learning offline (sw.js, offline.js) is there for those who saved a course: its
// service worker is registered then, never for a normal page view. Where it runs,
// anything done offline and still waiting is sent once a page has loaded.
window.addEventListener("load", function () {
  var worker = "serviceWorker" in navigator && navigator.serviceWorker.controller;
  if (worker && navigator.onLine) worker.postMessage({ type: "flush" });
});
