// kirinuki 切り抜き — the filter sidebar: a panel opened by a button on a phone, and long
// facet lists narrowed by typing. Without this file the sidebar simply lists everything.
(function () {
  "use strict";
  var aside = document.getElementById("filters");
  if (!aside) return;
  var PANEL = "kirinuki.panel";

  // -- the phone's filter panel (CSS shows the button and hides the body below 820 px)
  var toggle = aside.querySelector(".filters-toggle");
  function setOpen(open, remember) {
    aside.classList.toggle("closed", !open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (remember) {
      try { sessionStorage.setItem(PANEL, open ? "open" : "closed"); } catch (e) { /* private mode */ }
    }
  }
  if (toggle) {
    var stored = null;
    try { stored = sessionStorage.getItem(PANEL); } catch (e) { /* private mode */ }
    setOpen(stored === "open", false);
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      setOpen(aside.classList.contains("closed"), true);
    });
    // A link to the filters (the skip link) opens the panel it leads to.
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest('a[href="#filters"]');
      if (link) setOpen(true, true);
    });
    var done = aside.querySelector(".filters-done a");
    if (done) done.addEventListener("click", function () { setOpen(false, true); });
  }

  // -- narrowing a long list by typing: 「すうぇ」 finds スウェーデン, 「nato」 NATO, 「あめりか」
  // 米国 and 「にっけい」 日本経済新聞 (by the readings and names the server lists in data-keys)
  function fold(text) {
    return text.normalize("NFKC").toLowerCase().replace(/[\u3041-\u3096]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) + 0x60);
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("input[data-find]"), function (input) {
    var group = document.getElementById(input.getAttribute("data-find"));
    if (!group) return;
    var status = document.getElementById(input.getAttribute("aria-describedby"));
    var details = group.querySelector("details.more");
    var items = Array.prototype.map.call(group.querySelectorAll("li"), function (li) {
      // the name as shown, and its readings and other names (米国: ベイコク, アメリカ …)
      return { li: li, box: li.querySelector("input"),
               name: fold(li.querySelector(".fv-name").textContent + " " +
                          (li.getAttribute("data-keys") || "")) };
    });
    input.parentNode.hidden = false;
    function apply() {
      var wanted = fold(input.value.trim());
      var shown = 0;
      items.forEach(function (item) {
        var hit = !wanted || item.name.indexOf(wanted) !== -1;
        item.li.hidden = !hit && !item.box.checked;  // a ticked value never hides
        if (hit) shown += 1;
      });
      if (wanted && details) details.open = true;
      status.textContent = !wanted ? "" : shown ? shown + " 件が該当します" :
        "「" + input.value.trim() + "」を含む値はありません";
    }
    input.addEventListener("input", apply);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && input.value) {
        input.value = "";
        apply();
      }
    });
    if (input.value) apply();  // a value kept by the browser or by place.js
  });
})();
