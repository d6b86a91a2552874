// kirinuki 切り抜き — small conveniences. Every page works without this file (and without
// filters.js and place.js, loaded after it).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // "/" focuses the search box (unless the reader is typing somewhere already).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.isContentEditable ||
        /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var box = document.getElementById("q");
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });

  // A record page notes itself: back on the results (its link or the browser's Back), the
  // focus goes to that record's link, not to the top of the page (place.js).
  if (document.querySelector("article.record")) {
    try { sessionStorage.setItem("kirinuki.opened", location.pathname); } catch (e) { /* private mode */ }
  }

  var form = document.getElementById("sf");
  if (!form) return;

  // Ticking a facet or choosing a sort order searches at once.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!target || !target.hasAttribute || !target.hasAttribute("data-autosubmit")) return;
    if (target.form !== form) return;
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  });

  // Leave empty fields out of the URL, so that shared links stay short.
  form.addEventListener("formdata", function (event) {
    var empty = [];
    event.formData.forEach(function (value, name) {
      if (value === "") empty.push(name);
    });
    empty.forEach(function (name) {
      var kept = event.formData.getAll(name).filter(function (v) { return v !== ""; });
      event.formData.delete(name);
      kept.forEach(function (v) { event.formData.append(name, v); });
    });
  });

  // Back and Forward: the page may come back as it was left (the back/forward cache, or
  // the browser restoring what was ticked), with a box ticked that the URL no longer
  // holds. The server wrote the URL's state as the controls' defaults: return to them.
  window.addEventListener("pageshow", function (event) {
    var nav = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
    if (event.persisted || (nav && nav.type === "back_forward")) form.reset();
  });
})();
