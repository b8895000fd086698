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
    // fields, and a change refused because the data changed meanwhile answers
    // 409 with the reason and the data now stored: swap them in like a success
    // (htmx 2 leaves 4xx answers unswapped).
    if (xhr.status === 422 || xhr.status === 409) {
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

/* --- printing the leaderboard (issue 16, point 10) and its trend ---
   The agencies without points (and each year's first-time agencies) are folded under one
   line on screen; on paper nobody can unfold them, so they print open, and fold again afterwards. */
(function () {
  "use strict";
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details.unranked, details.trend-names"), function (details) {
      return !details.open;
    });
    opened.forEach(function (details) { details.open = true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (details) { details.open = false; });
    opened = [];
  });
})();

/* --- Live word counters (issue 16, point 4) ---------------------------------
   The proposal form's summary (at most 200 words) and rancang bangun (at least
   300 to submit) say their count as the person types. The rule is the server's
   (app/proposals/status.py, word_count: runs of non-space, Python's `\S+`):
   JavaScript's \s differs from Python's (it counts U+FEFF as space and not
   U+001C-U+001F or U+0085), so the separators are spelled out here, the same set
   as Python's. tests/e2e/test_e2e_feedback.py compares both rules in Chromium.
   The texts come from the template (data-text-*), translated there; without
   JavaScript the counter stays hidden and the hint under the label says the limit. */
(function () {
  "use strict";
  var WORD = /[^\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
  // Screen readers hear the count after a pause in typing, not at every key.
  var PAUSE_MS = 1000;

  function wordCount(text) {
    var runs = String(text || "").match(WORD);
    return runs ? runs.length : 0;
  }
  window.apusidaWordCount = wordCount;

  function formatNumber(value) {
    try {
      return new Intl.NumberFormat(document.documentElement.lang || undefined).format(value);
    } catch (error) {
      return String(value);
    }
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? formatNumber(values[name]) : whole;
    });
  }

  function setUp(counter) {
    if (counter.getAttribute("data-word-counter-ready")) return;
    var field = document.getElementById(counter.getAttribute("data-word-count-for"));
    if (!field) return;
    counter.setAttribute("data-word-counter-ready", "true");
    var limit = parseInt(counter.getAttribute("data-limit"), 10);
    var atMost = counter.getAttribute("data-limit-kind") === "max";
    var status = counter.querySelector(".word-count__status");
    var live = counter.querySelector(".word-count__live");
    var timer = null;
    var lastProblem = null;

    function state() {
      var count = wordCount(field.value);
      var problem = atMost ? count > limit : count < limit;
      var text = fill(counter.getAttribute(problem ? "data-text-problem" : "data-text-fine"),
                      { count: count, limit: limit, difference: Math.abs(count - limit) });
      return { problem: problem, text: text };
    }

    function speak() {
      timer = null;
      live.textContent = state().text;
    }

    function update(initial) {
      var now = state();
      status.textContent = now.text;
      counter.classList.toggle("word-count--problem", now.problem);
      if (initial) {
        lastProblem = now.problem;
        return;
      }
      if (timer) window.clearTimeout(timer);
      if (now.problem !== lastProblem) {
        // Crossing the limit is said at once: it is what the person needs to know.
        lastProblem = now.problem;
        speak();
      } else {
        timer = window.setTimeout(speak, PAUSE_MS);
      }
    }

    // The visible count is read with the field (aria-describedby), the live copy when it changes.
    var described = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    if (described.indexOf(status.id) < 0) described.push(status.id);
    field.setAttribute("aria-describedby", described.join(" "));
    counter.hidden = false;
    field.addEventListener("input", function () { update(false); });
    update(true);
  }

  function setUpAll(root) {
    (root || document).querySelectorAll("[data-word-count-for]").forEach(setUp);
  }
  document.addEventListener("DOMContentLoaded", function () { setUpAll(document); });
  document.addEventListener("htmx:load", function (event) { setUpAll(event.target); });
})();

/* --- Working state of in-page actions (issue 16, point 6) -------------------
   htmx disables the button of a form while its request runs (hx-disabled-elt on
   <body>) and marks the form htmx-request (the stylesheet shows a spinner). A
   disabled button loses the focus (Chromium moves it to <body>), so htmx can no
   longer put it back on the swapped-in button of the same id: keep it here, so a
   keyboard user stays where they were. A fragment's own data-autofocus wins.
   The working form is aria-busy meanwhile. */
(function () {
  "use strict";
  // Per request (its XMLHttpRequest): a live poll running meanwhile must not forget the
  // form's focus, and htmx tells the end of a request whose form was swapped away from a
  // parent still on the page, so the element is no key.
  var focusedBefore = new WeakMap();

  document.addEventListener("htmx:beforeRequest", function (event) {
    var active = document.activeElement;
    var requester = event.detail && event.detail.elt;
    var xhr = event.detail && event.detail.xhr;
    if (!xhr || !requester) return;
    // The form's content is about to change: say so to assistive technology (aria-busy).
    if (requester.tagName === "FORM") requester.setAttribute("aria-busy", "true");
    var kept = active && active !== document.body && requester.contains(active);
    focusedBefore.set(xhr, { requester: requester, element: kept ? active : null, id: kept ? active.id : "" });
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail && event.detail.xhr;
    var before = xhr && focusedBefore.get(xhr);
    if (!before) return;
    focusedBefore.delete(xhr);
    before.requester.removeAttribute("aria-busy");
    if (!before.element) return;
    if (document.activeElement && document.activeElement !== document.body) return;
    var target = before.element.isConnected ? before.element : (before.id && document.getElementById(before.id));
    if (target && !target.disabled) target.focus({ preventScroll: true });
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
