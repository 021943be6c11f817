// Quiz attempt page, progressive enhancement: without this file the page still
// works ("Simpan jawaban" saves, "Kirim jawaban" submits). With it, answers are
// saved on the server as the learner goes, kept on the device while the
// network is away, and a submit that cannot reach the server leaves the page
// (and its answers) in place. A time limit counts down and submits at zero.
(function () {
  var form = document.getElementById("quiz-form");
  if (!form || !window.fetch || !window.FormData) return;
  var texts = document.getElementById("quiz-texts").dataset;
  var state = form.querySelector(".save-state");
  var offline = form.querySelector(".offline");
  var key = "elearn-attempt-" + form.dataset.attempt;
  var timer = null, leaving = false;

  function show(text) { state.textContent = text; }
  function clock(date) {
    return ("0" + date.getHours()).slice(-2) + "." + ("0" + date.getMinutes()).slice(-2);
  }
  function fields() {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (name.slice(0, 2) === "q-") pairs.push([name, value]);
    });
    return pairs;
  }
  function keepLocally() {
    try {
      localStorage.setItem(key, JSON.stringify({ at: Date.now(), pairs: fields() }));
    } catch (e) { /* storage full or off */ }
  }
  function restoreLocal() {
    var kept, pairs;
    try { kept = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { kept = null; }
    if (!kept || !kept.pairs) return false;
    // Saved on the server later (another device): that copy wins.
    if (form.dataset.savedAt && Date.parse(form.dataset.savedAt) > kept.at) return false;
    pairs = kept.pairs;
    form.querySelectorAll("input[name^='q-']").forEach(function (input) {
      var values = pairs.filter(function (p) { return p[0] === input.name; })
        .map(function (p) { return p[1]; });
      if (input.type === "text") input.value = values[0] || "";
      else input.checked = values.indexOf(input.value) >= 0;
    });
    return true;
  }
  // Saves run one after another: a submit waits for the save in flight, then saves
  // the page as it is now.
  var queue = Promise.resolve(true);
  function save() {
    clearTimeout(timer);
    queue = queue.then(send, send);
    return queue;
  }
  function send() {
    show(texts.saving);
    return fetch(form.dataset.save, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      // Not JSON: signed out, say. The server is reachable; a submit goes there.
      if ((response.headers.get("Content-Type") || "").indexOf("json") < 0) {
        show(texts.unsaved);
        return true;
      }
      return response.json().then(function (data) {
        // Any answer from the server means it is reachable: a submit goes on and the
        // server decides (a lapsed time limit, a form to refresh).
        if (!data.saved) { show(data.error || texts.unsaved); return true; }
        try { localStorage.removeItem(key); } catch (e) { /* private mode */ }
        show(texts.saved.replace("{time}", clock(new Date(data.saved_at))));
        return true;
      });
    }).catch(function () {
      show(texts.unsaved);
      return false;  // the network is away: answers stay on the page and the device
    });
  }
  function changed() {
    keepLocally();
    clearTimeout(timer);
    timer = setTimeout(save, 1500);
  }
  form.addEventListener("change", changed);
  form.addEventListener("input", changed);
  // Where learning offline is on (a service worker: a course was saved), a submit
  // that cannot reach the server is queued on the device and sent when the
  // connection returns; elsewhere the answers stay on the page for another try.
  function queueOnDevice() {
    var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    var where = /\/courses\/([a-z0-9-]+)\/([a-z0-9-]+)\/attempts\/\d+$/.exec(location.pathname);
    if (!worker || !where || !window.MessageChannel) return Promise.resolve(false);
    var answers = {};
    fields().forEach(function (pair) {
      if (pair[1].trim() !== "") (answers[pair[0]] = answers[pair[0]] || []).push(pair[1]);
    });
    return new Promise(function (resolve) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function (event) { resolve(!!(event.data && event.data.result)); };
      worker.postMessage({ type: "queue-attempt", path: location.pathname, course: where[1],
        module: where[2], attempt: parseInt(form.dataset.attempt, 10), answers: answers,
        title: document.title.split(" · ")[0] }, [channel.port2]);
    });
  }
  function finish(value) {
    offline.hidden = true;
    save().then(function (reached) {
      if (reached) {
        var action = document.createElement("input");
        action.type = "hidden"; action.name = "action"; action.value = value;
        form.appendChild(action);
        leaving = true;
        form.submit();
        return;
      }
      queueOnDevice().then(function (queued) {
        if (!queued) { offline.hidden = false; return; }
        leaving = true;
        clearTimeout(timer);
        form.querySelectorAll("input, button").forEach(function (e) { e.disabled = true; });
        show("");
        offline.textContent = texts.queued;
        offline.className = "flash flash-success";
        offline.hidden = false;
      });
    });
  }
  form.addEventListener("submit", function (event) {
    if (leaving) return;
    var button = event.submitter;
    if (button && button.value === "save") return;  // the plain form post
    event.preventDefault();
    finish(button ? button.value : "submit");
  });
  if (restoreLocal()) save();

  var box = document.querySelector(".timer");
  if (box) {
    var skew = Date.now() - Date.parse(box.dataset.now);
    var end = Date.parse(box.dataset.deadline) + skew;
    var left = box.querySelector(".left");
    left.hidden = false;
    var tick = function () {
      var seconds = Math.max(0, Math.round((end - Date.now()) / 1000));
      left.textContent = texts.left.replace(
        "{time}", Math.floor(seconds / 60) + ":" + ("0" + seconds % 60).slice(-2));
      if (seconds > 0) { setTimeout(tick, 1000); return; }
      if (!leaving) finish("confirm");
    };
    tick();
  }
})();
