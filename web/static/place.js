// kirinuki 切り抜き — after a tick the reader stays where they were. Ticking a box reloads
// the page (the URL is the state); before it goes, the box, its place on the screen, the
// open lists and what was typed to narrow them are noted, and the new page puts them back.
(function () {
  "use strict";
  var KEY = "kirinuki.place";
  var form = document.getElementById("sf");
  var aside = document.getElementById("filters");
  if (!form || !aside) return;

  function selectorFor(el) {
    if (el.type === "checkbox") {
      return 'input[type="checkbox"][name="' + CSS.escape(el.name) + '"][value="' +
        CSS.escape(el.value) + '"]';
    }
    if (el.getAttribute("data-year")) {
      return 'a.bar[data-year="' + CSS.escape(el.getAttribute("data-year")) + '"]';
    }
    return el.id ? "#" + CSS.escape(el.id) : null;
  }

  function remember(el) {
    var group = el.closest("fieldset, figure");
    var place = {
      sel: selectorFor(el),
      group: group && group.id ? "#" + CSS.escape(group.id) : null,
      top: el.getBoundingClientRect().top,
      path: location.pathname,
      at: Date.now(),
      open: [],
      find: {}
    };
    Array.prototype.forEach.call(aside.querySelectorAll("details.more[open]"), function (d) {
      var fs = d.closest("fieldset");
      if (fs && fs.id) place.open.push(fs.id);
    });
    Array.prototype.forEach.call(aside.querySelectorAll("input[data-find]"), function (input) {
      if (input.value) place.find[input.id] = input.value;
    });
    try { sessionStorage.setItem(KEY, JSON.stringify(place)); } catch (e) { /* private mode */ }
  }

  // Capture phase: noted before kirinuki.js submits the form on the same change.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form === form) {
      remember(el);
    }
  }, true);
  aside.addEventListener("click", function (event) {
    var bar = event.target.closest && event.target.closest("a.bar");
    if (bar) remember(bar);
  });

  // Back from a record (kirinuki.js noted which): its link in the results has the focus.
  function backFromRecord() {
    var opened = null;
    try {
      opened = sessionStorage.getItem("kirinuki.opened");
      sessionStorage.removeItem("kirinuki.opened");
    } catch (e) { opened = null; }
    if (!opened) return;
    var links = document.querySelectorAll("ol.hits .hit-title a");
    for (var i = 0; i < links.length; i += 1) {
      if (links[i].pathname === opened) {
        links[i].focus();
        return;
      }
    }
  }
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) backFromRecord();  // the browser's Back, from its page cache
  });

  var saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
    sessionStorage.removeItem(KEY);
  } catch (e) { saved = null; }
  if (!saved) backFromRecord();
  var nav = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
  if (!saved || !nav || nav.type !== "navigate" || saved.path !== location.pathname ||
      Date.now() - saved.at > 60000) return;

  saved.open.forEach(function (id) {
    var d = document.querySelector("#" + CSS.escape(id) + " details.more");
    if (d) d.open = true;
  });
  Object.keys(saved.find).forEach(function (id) {
    var input = document.getElementById(id);
    if (input) {
      input.value = saved.find[id];
      input.dispatchEvent(new Event("input"));
    }
  });
  var el = (saved.sel && document.querySelector(saved.sel)) ||
    (saved.group && document.querySelector(saved.group));
  if (!el) return;
  var details = el.closest("details");
  if (details && !details.open) details.open = true;
  window.scrollBy(0, el.getBoundingClientRect().top - saved.top);
  if (el.matches("fieldset, figure")) el = el.querySelector("input, a") || el;
  el.focus({ preventScroll: true });
})();
