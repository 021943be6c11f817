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
