// The bulk assignment form's name lookup (progressive: without it the NIP box works).
// Typing a name asks /admin/people/lookup for suggestions, shown in a <datalist>;
// "Add to the list" (or Enter) appends the chosen person's NIP and name to the NIPs.
(function () {
  var box = document.querySelector("[data-lookup]");
  var nips = document.getElementById("nips");
  if (!box || !nips || !window.fetch) return;
  var input = box.querySelector("#lookup");
  var list = box.querySelector("#lookup-list");
  var status = box.querySelector("#lookup-status");
  var url = box.getAttribute("data-lookup");
  var people = {}, timer = null, asked = "";
  box.hidden = false;

  function say(key) { status.textContent = key ? status.getAttribute("data-" + key) : ""; }

  function show(found) {
    list.textContent = "";
    people = {};
    found.forEach(function (p) {
      var option = document.createElement("option");
      option.value = p.nip;
      option.label = p.name + (p.unit ? " · " + p.unit : "");
      list.appendChild(option);
      people[p.nip] = p;
    });
    say(found.length ? "found" : "none");
  }

  function ask() {
    var q = input.value.trim();
    if (people[q]) return; // a suggestion has just been chosen
    if (q.length < 2) { list.textContent = ""; asked = ""; say(q ? "few" : ""); return; }
    if (q === asked) return;
    asked = q;
    fetch(url + "?q=" + encodeURIComponent(q),
          { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (found) { if (input.value.trim() === q) show(found); })
      .catch(function () { asked = ""; });
  }

  function addChosen() {
    var value = input.value.trim();
    var p = people[value] || (/^\d{18}$/.test(value) ? { nip: value, name: "" } : null);
    if (!p) { ask(); return; }
    var text = nips.value;
    var line = (p.nip + " " + p.name).trim();
    nips.value = text + (text && !/\n$/.test(text) ? "\n" : "") + line + "\n";
    input.value = "";
    list.textContent = "";
    people = {};
    asked = "";
    say("added");
    input.focus();
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 200);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); addChosen(); }
  });
  box.querySelector(".lookup-add").addEventListener("click", addChosen);
})();
