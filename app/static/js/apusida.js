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

/* A long pick list (the ~90 agencies, grouped by kind) gets a search box above it:
   typing keeps only the options whose text holds what was typed. The server marks the
   select with data-filter="<the box's label>"; without this script the grouped select
   works alone. Options are rebuilt rather than hidden (Safari ignores hidden options);
   the blank choice and the current choice always stay, so nothing is lost by filtering. */
(function () {
  "use strict";
  function normalise(text) {
    return (text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").trim();
  }
  function enhance(select) {
    if (select.hasAttribute("data-filter-ready")) return;
    select.setAttribute("data-filter-ready", "");
    var original = Array.prototype.map.call(select.children, function (node) { return node.cloneNode(true); });
    var box = document.createElement("input");
    box.type = "search";
    box.className = "input input--width-20 select-filter";
    box.id = select.id + "-filter";
    box.setAttribute("autocomplete", "off");
    box.setAttribute("aria-controls", select.id);
    var label = document.createElement("label");
    label.className = "hint";
    label.htmlFor = box.id;
    label.textContent = select.getAttribute("data-filter");
    select.parentNode.insertBefore(label, select);
    select.parentNode.insertBefore(box, select);
    function keeps(option, words, current) {
      if (option.value === current || option.value === "" || option.value === "0") return true;
      var text = normalise(option.textContent);
      return words.every(function (word) { return text.indexOf(word) !== -1; });
    }
    box.addEventListener("input", function () {
      var current = select.value;
      var words = normalise(box.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      var pieces = [];
      original.forEach(function (node) {
        if (node.tagName === "OPTGROUP") {
          var group = node.cloneNode(false);
          Array.prototype.forEach.call(node.children, function (option) {
            if (keeps(option, words, current)) { group.appendChild(option.cloneNode(true)); shown += 1; }
          });
          if (group.children.length) pieces.push(group);
        } else if (keeps(node, words, current)) {
          pieces.push(node.cloneNode(true));
        }
      });
      select.replaceChildren.apply(select, pieces);
      select.value = current;
      var template = select.getAttribute("data-filter-count");
      if (template && window.apusidaAnnounce) window.apusidaAnnounce(template.replace("{n}", String(shown)));
    });
  }
  function enhanceAll(root) {
    (root || document).querySelectorAll("select[data-filter]").forEach(enhance);
  }
  document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.target); });
})();

/* A "copy" button beside a read-only field (the one-time password link): shown only
   where the browser can copy, else the person selects the text as usual. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (!navigator.clipboard) return;
    document.querySelectorAll("[data-copy]").forEach(function (button) { button.hidden = false; });
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button || !navigator.clipboard) return;
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    navigator.clipboard.writeText(field.value).then(function () {
      if (window.apusidaAnnounce) window.apusidaAnnounce(button.getAttribute("data-copied") || "");
    });
  });
})();
