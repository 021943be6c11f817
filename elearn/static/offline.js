// Learning offline, the page's side: "Save for offline" on a course page, the list of
// saved courses (dashboard, offline page), and the offline copies of lessons and
// quizzes (marked completed, answered and submitted without a connection). The
// service worker (sw.js) keeps everything; this file asks it and shows the answers.
// Loaded only where the browser has service workers (see app.js and the templates).
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.MessageChannel) return;
  var lang = document.documentElement.lang || "id";

  // The service worker is registered when a course is first saved (``create``); until
  // then there is nothing offline to show. Its address sits beside the manifest's.
  function worker(create) {
    return navigator.serviceWorker.getRegistration().then(function (registration) {
      if (registration || !create) return registration;
      var manifest = document.querySelector("link[rel=manifest]");
      var base = manifest.getAttribute("href").replace(/manifest\.webmanifest$/, "");
      return navigator.serviceWorker.register(base + "sw.js", { scope: base, updateViaCache: "all" })
        .then(function () { return navigator.serviceWorker.ready; });
    });
  }
  var NOTHING = { courses: [], queue: [], notices: [] };
  // Asks the service worker; without one (nothing saved yet), answers ``NOTHING``.
  function ask(message, onProgress, create) {
    return worker(create).then(function (registration) {
      if (!registration || !registration.active) return NOTHING;
      return new Promise(function (resolve, reject) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) {
          var data = event.data || {};
          if (data.progress) { if (onProgress) onProgress(data.progress); return; }
          if (data.error) reject(new Error(data.error)); else resolve(data.result);
        };
        registration.active.postMessage(message, [channel.port2]);
      });
    });
  }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return values[name] === undefined ? all : values[name];
    });
  }
  function size(bytes) {
    var number = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
    if (bytes >= 1024 * 1024) return number.format(bytes / 1024 / 1024) + " MB";
    return number.format(Math.max(1, Math.round(bytes / 1024))) + " KB";
  }
  function when(iso) {
    return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" })
      .format(new Date(iso));
  }
  function element(tag, text, attributes) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    return node;
  }
  // The path of a page of this site, without where the site is mounted.
  function lessonOf(action) {
    var match = /\/courses\/([a-z0-9-]+)\/([a-z0-9-]+)\/complete$/.exec(action);
    return match ? { course: match[1], module: match[2] } : null;
  }

  // --- "Save for offline" on a course page ----------------------------------------
  function courseBox(box) {
    var texts = box.dataset;
    var q = function (name) { return box.querySelector("[data-" + name + "]"); };
    var save = q("save"), update = q("update"), drop = q("remove"), message = q("message");
    var bar = q("progress"), choice = q("attachments-choice"), include = q("include-attachments");
    var path = texts.path;
    box.hidden = false;

    function render(state) {
      var saved = (state.courses || []).filter(function (c) { return c.path === path; })[0];
      save.hidden = !!saved;
      update.hidden = drop.hidden = !saved;
      q("state").textContent = saved
        ? fill(texts.saved, { date: when(saved.saved_at), size: size(saved.bytes) })
        : q("state").dataset.intro || q("state").textContent;
      choice.hidden = !saved || !saved.attachment_bytes;
      if (saved) {
        include.checked = !!saved.attachments;
        choice.querySelector("span").textContent =
          fill(texts.attachments, { size: size(saved.attachment_bytes) });
      }
    }
    function busy(on) {
      [save, update, drop, include].forEach(function (b) { b.disabled = on; });
      bar.hidden = !on;
    }
    function store(attachments) {
      if (!navigator.onLine) { message.textContent = texts.offline; return; }
      busy(true);
      bar.value = 0;
      message.textContent = "";
      ask({ type: "save", slug: texts.offlineCourse, attachments: attachments, user: texts.user },
        function (progress) {
          bar.value = Math.round(100 * progress.done / progress.total);
          message.textContent = fill(texts.saving, progress);
        }, true).then(function (state) {
        busy(false);
        message.textContent = "";
        render(state);
      }, function (error) {
        busy(false);
        message.textContent = error.message === "quota" ? texts.full
          : fill(texts.failed, { reason: error.message + "." });
      });
    }
    q("state").dataset.intro = q("state").textContent;
    save.addEventListener("click", function () { store(false); });
    update.addEventListener("click", function () { store(include.checked); });
    include.addEventListener("change", function () { store(include.checked); });
    drop.addEventListener("click", function () {
      if (!window.confirm(texts.confirmRemove)) return;
      ask({ type: "remove", path: path, user: texts.user }).then(function (state) {
        render(state);
        message.textContent = texts.removed;
      });
    });
    ask({ type: "state", user: texts.user }).then(render);
  }

  // --- saved courses, what waits to be sent, and what the server said of it ---------
  function savedList(box, state) {
    var texts = box.dataset;
    var courses = box.querySelector("[data-courses]"), notices = box.querySelector("[data-notices]");
    var pending = box.querySelector("[data-pending-line]");
    courses.textContent = notices.textContent = "";
    (state.notices || []).forEach(function (notice) {
      var item = element("li", "", { "class": "flash flash-" + (notice.status === "recorded" ? "success" : "error") });
      if (notice.url) item.appendChild(element("a", notice.text, { href: notice.url }));
      else item.textContent = notice.text;
      notices.appendChild(item);
    });
    (state.courses || []).forEach(function (course) {
      var item = element("li");
      item.appendChild(element("a", course.title, { href: course.path }));
      item.appendChild(element("span", " · " + fill(texts.saved,
        { date: when(course.saved_at), size: size(course.bytes) }), { "class": "muted" }));
      var button = element("button", texts.remove, { type: "button", "class": "link" });
      button.addEventListener("click", function () {
        if (!window.confirm(texts.confirmRemove)) return;
        ask({ type: "remove", path: course.path, user: texts.user })
          .then(function (next) { savedList(box, next); });
      });
      item.appendChild(document.createTextNode(" "));
      item.appendChild(button);
      courses.appendChild(item);
    });
    var waiting = (state.queue || []).length;
    pending.hidden = !waiting;
    pending.textContent = fill(texts.pending, { n: waiting });
    box.hidden = !(state.courses || []).length && !waiting && !(state.notices || []).length;
    if ((state.notices || []).length) {
      ask({ type: "seen", keys: state.notices.map(function (n) { return n.key; }) });
    }
  }

  // --- an offline copy of a lesson ----------------------------------------------------
  function lessonCopy(form, state) {
    var path = location.pathname;
    var wait = document.querySelector("[data-reading-wait]");
    var queued = (state.queue || []).some(function (i) { return i.kind === "completion" && i.path === path; });
    if (queued) {
      form.parentNode.replaceChild(element("p", form.dataset.queued, { "class": "done" }), form);
      if (wait) wait.hidden = true;
      return;
    }
    ask({ type: "opened", path: path }).then(function (opened) {
      var reading = parseInt(form.dataset.reading, 10) || 0;
      var left = function () {
        return reading - (Date.now() - Date.parse(opened.at)) / 1000;
      };
      var show = function () {
        var seconds = left();
        if (wait) {
          wait.hidden = seconds <= 0;
          wait.textContent = fill(wait.dataset.text, { n: Math.ceil(seconds / 60) });
        }
        if (seconds > 0) setTimeout(show, 15000);
      };
      show();
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (left() > 0) { show(); if (wait) wait.focus(); return; }
        var lesson = lessonOf(form.getAttribute("action"));
        ask({ type: "queue-completion", course: lesson.course, module: lesson.module,
          path: path, title: form.dataset.title, since: form.dataset.since }).then(function () {
          location.assign(form.dataset.next);
        });
      });
    });
  }

  // --- an offline copy of a quiz --------------------------------------------------------
  function quizCopy(form, state) {
    var path = location.pathname;
    var status = form.querySelector(".save-state");
    var locked = document.querySelector("[data-needs]");
    var lesson = /\/courses\/([a-z0-9-]+)\/([a-z0-9-]+)$/.exec(path);
    var queue = state.queue || [];
    if (queue.some(function (i) { return i.kind === "quiz" && i.path === path; })) {
      form.parentNode.replaceChild(element("p", form.dataset.queued, { "class": "done" }), form);
      return;
    }
    if (locked) {
      var done = queue.filter(function (i) { return i.kind === "completion"; })
        .map(function (i) { return i.path.split("/").pop(); });
      var open = locked.dataset.needs.split(" ").filter(function (slug) { return done.indexOf(slug) < 0; });
      if (open.length) return; // the lessons before it come first
      locked.hidden = true;
      form.hidden = false;
    }
    ask({ type: "opened", path: path });
    function pairs() {
      var list = [];
      new FormData(form).forEach(function (value, name) {
        if (name.slice(0, 2) === "q-") list.push([name, value]);
      });
      return list;
    }
    ask({ type: "answers", path: path }).then(function (kept) {
      if (!kept) return;
      form.querySelectorAll("input[name^='q-']").forEach(function (input) {
        var values = kept.pairs.filter(function (p) { return p[0] === input.name; })
          .map(function (p) { return p[1]; });
        if (input.type === "text") input.value = values[0] || "";
        else input.checked = values.indexOf(input.value) >= 0;
      });
    });
    var keep = function () { ask({ type: "keep-answers", path: path, pairs: pairs() }); };
    form.addEventListener("change", keep);
    form.addEventListener("input", keep);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var answers = {};
      pairs().forEach(function (p) {
        if (p[1].trim() === "") return;
        (answers[p[0]] = answers[p[0]] || []).push(p[1]);
      });
      var missing = 0;
      form.querySelectorAll("[data-question]").forEach(function (fieldset) {
        var answered = Array.prototype.some.call(fieldset.querySelectorAll("input"), function (input) {
          return input.type === "text" ? input.value.trim() !== "" : input.checked;
        });
        if (!answered) missing += 1;
      });
      var total = form.querySelectorAll("[data-question]").length;
      if (missing === total) { status.textContent = form.dataset.blank; return; }
      if (missing && !window.confirm(fill(form.dataset.missing, { n: missing }))) return;
      ask({ type: "queue-quiz", course: lesson[1], module: lesson[2], path: path,
        title: form.dataset.title, ticket: form.dataset.ticket, answers: answers }).then(function () {
        form.parentNode.replaceChild(element("p", form.dataset.queued, { "class": "done" }), form);
      });
    });
  }

  function start() {
    var retry = document.querySelector("[data-retry]");
    // Signing out needs the server: offline, the sign-out request ends on this page.
    var signingOut = /\/(logout|account\/sign-out-everywhere|offline\/sign-out)$/.test(location.pathname);
    if (retry && signingOut) {
      document.querySelector("[data-not-saved]").hidden = true;
      document.querySelector("[data-signing-out]").hidden = false;
      retry.addEventListener("click", function () { location.assign(retry.dataset.home); });
    } else if (retry) {
      retry.addEventListener("click", function () { location.reload(); });
    }
    document.querySelectorAll("[data-offline-course]").forEach(courseBox);
    var list = document.querySelector("[data-saved-list]");
    var copy = document.querySelector(".offline-copy");
    var unsent = document.querySelector("[data-unsent]");
    if (!list && !copy && !unsent) return;
    ask({ type: "state", user: list ? list.dataset.user : undefined }).then(function (state) {
      if (unsent) {
        (state.queue || []).forEach(function (item) {
          unsent.appendChild(element("li", item.title || item.path));
        });
      }
      if (list) savedList(list, state);
      var complete = document.querySelector("form[data-offline-complete]");
      if (copy && complete) lessonCopy(complete, state);
      var quiz = document.getElementById("offline-quiz");
      if (copy && quiz) quizCopy(quiz, state);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
