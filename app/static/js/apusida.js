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

  // Live regions (the leaderboard). Elements marked data-live-poll get a
  // "live-poll" event every 5 s, only while the tab is visible (the htmx config
  // forbids eval, so the visibility check lives here, not in hx-trigger).
  var LIVE_POLL_MS = 5000;
  function pollLiveRegions() {
    if (document.visibilityState !== "visible" || !window.htmx) return;
    document.querySelectorAll("[data-live-poll]").forEach(function (element) {
      window.htmx.trigger(element, "live-poll");
    });
  }
  window.setInterval(pollLiveRegions, LIVE_POLL_MS);
  // Back on the tab: catch up at once instead of waiting for the next tick.
  document.addEventListener("visibilitychange", pollLiveRegions);

  // Each poll revalidates with the ETag of the version on screen. Setting
  // If-None-Match ourselves makes the browser bypass its cache and hand the
  // 304 to htmx, which would otherwise swap the empty body in (htmx 2 swaps
  // every 2xx/3xx by default), so a 304 is told not to swap.
  document.addEventListener("htmx:configRequest", function (event) {
    var element = event.detail && event.detail.elt;
    var etag = element && element.getAttribute && element.getAttribute("data-etag");
    if (etag && element.hasAttribute("data-live-poll")) event.detail.headers["If-None-Match"] = etag;
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (!xhr) return;
    if (xhr.status === 304) {
      event.detail.shouldSwap = false;
      event.detail.isError = false;
      return;
    }
    // A form sent back with errors answers 422 with the messages beside its
    // fields: swap it in like a success (htmx 2 leaves 4xx answers unswapped).
    if (xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
    var element = event.detail.elt;
    var etag = xhr.getResponseHeader("ETag");
    if (etag && element && element.hasAttribute && element.hasAttribute("data-live-poll")) {
      element.setAttribute("data-etag", etag);
    }
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

/* Tables wider than the screen scroll sideways; make each such wrapper a named,
   focusable region so keyboard users can scroll it too (WCAG 2.1.1). */
(function () {
  "use strict";
  function markScrollableTables(root) {
    (root || document).querySelectorAll(".table-wrapper").forEach(function (wrapper) {
      var scrolls = wrapper.scrollWidth > wrapper.clientWidth + 1;
      var caption = wrapper.querySelector("caption");
      if (scrolls) {
        wrapper.setAttribute("tabindex", "0");
        wrapper.setAttribute("role", "region");
        if (caption) wrapper.setAttribute("aria-label", caption.textContent.trim());
      } else if (wrapper.getAttribute("role") === "region" && !wrapper.hasAttribute("aria-labelledby")) {
        wrapper.removeAttribute("tabindex");
        wrapper.removeAttribute("role");
        wrapper.removeAttribute("aria-label");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { markScrollableTables(document); });
  document.addEventListener("htmx:afterSettle", function () { markScrollableTables(document); });
  window.addEventListener("resize", function () { markScrollableTables(document); });
})();

/* Error summary links move the focus to their field (as the GOV.UK pattern does):
   following a #fragment alone scrolls but does not reliably focus the input. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) return;
    var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!field) return;
    var focusable = field.matches("input, select, textarea, button") ? field : field.querySelector("input, select, textarea, button");
    if (!focusable) return;
    event.preventDefault();
    var legendOrLabel = field.closest("fieldset") || document.querySelector("label[for='" + focusable.id + "']");
    (legendOrLabel || focusable).scrollIntoView();
    focusable.focus({ preventScroll: true });
  });
})();

/* --- narrow screens (issue 16, point 3) ---
   On phones the tables marked .table--stack are shown as cards (apusida.css), and a table
   whose cells no longer display as table cells may lose its table semantics in some browsers.
   Naming the roles the markup already has keeps rows, headers and cells for screen readers. */
(function () {
  "use strict";
  var ROLES = [["table", "table"], ["thead, tbody, tfoot", "rowgroup"], ["tr", "row"],
               ["th[scope='col']", "columnheader"], ["th[scope='row']", "rowheader"], ["td", "cell"]];
  function nameTableRoles(root) {
    (root || document).querySelectorAll("table.table--stack").forEach(function (table) {
      ROLES.forEach(function (pair) {
        if (table.matches(pair[0])) table.setAttribute("role", pair[1]);
        table.querySelectorAll(pair[0]).forEach(function (element) {
          if (element.closest("table") === table) element.setAttribute("role", pair[1]);
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { nameTableRoles(document); });
  document.addEventListener("htmx:afterSettle", function () { nameTableRoles(document); });
})();
