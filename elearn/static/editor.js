// Module editor: the preview follows the text without reloading the page (beside
// the text on a laptop, a "Tulis / Pratinjau" tab on a phone), and images and
// attachments upload in place, with a button that inserts their Markdown.
// Progressive enhancement: without this file "Perbarui pratinjau" reloads the page
// with the preview, and an upload shows its own page with the Markdown to copy.
(function () {
  "use strict";
  var DELAY = 600;

  function post(url, body) {
    // A signed-out session is redirected to the sign-in page: that is a failure
    // here, never a page to show inside the pane.
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin", redirect: "manual",
      headers: { "X-Fragment": "1" }
    });
  }

  function say(element, key) {
    if (element) element.textContent = element.getAttribute("data-" + key) || "";
  }

  // The preview pane is refreshed 600 ms after typing stops, on "Perbarui
  // pratinjau", and on opening its tab; a late answer never replaces a newer one.
  function setupPreview(form, tabs) {
    var url = form.getAttribute("data-preview-url");
    var target = document.getElementById("preview-body");
    var status = document.getElementById("preview-status");
    var timer = null, sent = 0, shown = 0;
    function refresh() {
      clearTimeout(timer);
      timer = null;
      var number = ++sent;
      say(status, "busy");
      post(url, new FormData(form)).then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      }).then(function (html) {
        if (number < shown) return;
        shown = number;
        target.innerHTML = html;
        say(status, "done");
        if (typeof markWideTables === "function") markWideTables();
      }).catch(function () {
        if (number === sent) say(status, "failed");
      });
    }
    function later(event) {
      if (event.target.form !== form) return; // the file input belongs to the upload form
      clearTimeout(timer);
      timer = setTimeout(refresh, DELAY);
    }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    var button = form.querySelector("button[name=action][value=preview]");
    if (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault(); // no submit: the page and its "unsaved" state stay
        refresh();
      });
    }
    tabs.onShow = function (name) { if (name === "preview" && timer) refresh(); };
    refresh();
  }

  // On a phone the text and the preview are two tabs; from 900 px both show side
  // by side and the CSS hides the tab list.
  function setupTabs(split) {
    var panes = { write: split.querySelector(".pane-write"),
                  preview: split.querySelector(".pane-preview") };
    var list = document.createElement("div");
    var tabs = { onShow: null, buttons: [] };
    list.className = "editor-tabs";
    list.setAttribute("role", "tablist");
    ["write", "preview"].forEach(function (name) {
      var tab = document.createElement("button");
      tab.type = "button";
      tab.id = "tab-" + name;
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panes[name].id);
      tab.setAttribute("data-pane", name);
      tab.textContent = split.getAttribute("data-tab-" + name);
      panes[name].setAttribute("role", "tabpanel");
      panes[name].setAttribute("aria-labelledby", tab.id);
      tab.addEventListener("click", function () { show(name, true); });
      tabs.buttons.push(tab);
      list.appendChild(tab);
    });
    list.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
      var next = split.getAttribute("data-tab") === "write" ? "preview" : "write";
      show(next, true);
      document.getElementById("tab-" + next).focus();
    });
    function show(name, chosen) {
      split.setAttribute("data-tab", name);
      tabs.buttons.forEach(function (tab) {
        var selected = tab.getAttribute("data-pane") === name;
        tab.setAttribute("aria-selected", selected ? "true" : "false");
        tab.tabIndex = selected ? 0 : -1;
      });
      if (chosen && tabs.onShow) tabs.onShow(name);
    }
    split.insertBefore(list, split.firstChild);
    show("write", false);
    return tabs;
  }

  function insertAtCursor(textarea, text) {
    var start = textarea.selectionStart, end = textarea.selectionEnd;
    var before = textarea.value.slice(0, start), after = textarea.value.slice(end);
    var lead = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
    var tail = after && !/^\n/.test(after) ? "\n\n" : "";
    textarea.value = before + lead + text + tail + after;
    var caret = (before + lead + text).length;
    textarea.focus();
    textarea.setSelectionRange(caret, caret);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function setupUpload(upload, textarea) {
    var result = document.getElementById("asset-result");
    var input = upload.elements.file;
    function show(html) {
      result.innerHTML = html;
      result.querySelectorAll(".insert-snippet").forEach(function (b) { b.hidden = false; });
    }
    upload.addEventListener("submit", function (event) {
      event.preventDefault();
      var file = input.files[0];
      if (file && file.size > Number(result.getAttribute("data-max-bytes"))) {
        say(result, "too-large");
        return;
      }
      say(result, "busy");
      post(upload.action, new FormData(upload)).then(function (response) {
        if (response.status === 413) { say(result, "too-large"); return null; }
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      }).then(function (html) {
        if (html === null) return;
        show(html);
        if (result.querySelector(".insert-snippet")) input.value = "";
      }).catch(function () { say(result, "failed"); });
    });
    result.addEventListener("click", function (event) {
      var button = event.target.closest(".insert-snippet");
      if (button) insertAtCursor(textarea, button.getAttribute("data-snippet"));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.module-editor");
    var split = form && form.querySelector(".editor-split");
    if (!split || !window.fetch || !window.FormData) return;
    setupPreview(form, setupTabs(split));
    var upload = document.getElementById("asset-form");
    var textarea = form.elements.body;
    if (upload && textarea) setupUpload(upload, textarea);
  });
})();
