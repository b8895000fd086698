/* Small behaviours on top of htmx. Pages work without this file. */
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("live-region");
    if (!region || !text) return;
    // Clearing first makes screen readers repeat an identical message.
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }
  window.apusidaAnnounce = announce;

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-autofocus]");
    if (summary) summary.focus();
  });

  // The server names what changed with an `HX-Trigger: {"announce": "..."}` header.
  document.body && document.body.addEventListener("announce", function (event) {
    announce(event.detail && event.detail.value);
  });
  document.addEventListener("announce", function (event) {
    announce(event.detail && event.detail.value);
  });

  // A swapped-in fragment may also carry its own message.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target) return;
    var marked = target.matches && target.matches("[data-announce]") ? target : target.querySelector && target.querySelector("[data-announce]");
    if (marked) announce(marked.getAttribute("data-announce"));
    var summary = target.querySelector && target.querySelector("[data-autofocus]");
    if (summary) summary.focus();
  });

  // Ask again before destructive actions (forms marked data-confirm).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);
})();

/* Proposals: a suggested innovation's button fills the "replicates" select. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-replicates]");
    if (!button) return;
    var select = document.getElementById("replicates");
    if (!select) return;
    select.value = button.getAttribute("data-replicates");
    select.focus();
    if (window.apusidaAnnounce) {
      var option = select.options[select.selectedIndex];
      window.apusidaAnnounce(option ? option.text : "");
    }
  });
})();
