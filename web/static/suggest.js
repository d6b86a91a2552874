// kirinuki 切り抜き — suggestions under the search box as you type (the ARIA combobox
// pattern: https://www.w3.org/WAI/ARIA/apg/patterns/combobox/). Without this file the box
// is a plain search field; everything here is added by the script.
//
// Keys: ↓/↑ move through the suggestions (↓ opens them), Enter chooses the one shown as
// active (or searches as typed when none is), Escape closes the list (and never empties
// the box), Tab leaves it.
// A word replaces the word being typed and searches; a country, outlet or organisation
// adds that filter (the box keeps the other words) and searches.
(function () {
  "use strict";
  var box = document.getElementById("q");
  if (!box || !box.form || !window.fetch) return;
  var form = box.form;
  var WAIT_MS = 120; // typing pauses this long before the server is asked
  // next to the search page, wherever the app is mounted
  var endpoint = new URL("api/suggest", form.action).pathname;
  var LIMIT = 8;

  var list = document.createElement("ul");
  list.id = "q-suggest";
  list.className = "suggest";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "検索候補");
  list.hidden = true;
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  form.appendChild(list);
  form.appendChild(status);

  box.setAttribute("role", "combobox");
  box.setAttribute("aria-autocomplete", "list");
  box.setAttribute("aria-controls", list.id);
  box.setAttribute("aria-expanded", "false");

  var items = [];   // the suggestions shown, as the server sent them
  var active = -1;  // index of the active one, -1 for none
  var asked = 0;    // the latest request: older answers are dropped
  var timer = null;

  function open() {
    list.hidden = false;
    box.setAttribute("aria-expanded", "true");
  }

  function close() {
    list.hidden = true;
    box.setAttribute("aria-expanded", "false");
    box.removeAttribute("aria-activedescendant");
    active = -1;
    asked += 1; // an answer still on its way must not reopen the list
  }

  function setActive(n) {
    var options = list.children;
    if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
    active = n;
    if (n < 0) {
      box.removeAttribute("aria-activedescendant");
      return;
    }
    options[n].setAttribute("aria-selected", "true");
    box.setAttribute("aria-activedescendant", options[n].id);
    options[n].scrollIntoView({ block: "nearest" });
  }

  function span(cls, text) {
    var s = document.createElement("span");
    s.className = cls;
    s.textContent = text;
    return s;
  }

  function show(found) {
    items = found.suggestions;
    list.textContent = "";
    active = -1;
    box.removeAttribute("aria-activedescendant");
    items.forEach(function (s, n) {
      var li = document.createElement("li");
      li.id = "q-suggest-" + n;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.className = "suggest-" + s.kind;
      if (s.kind === "facet") li.appendChild(span("suggest-facet-label", s.label));
      li.appendChild(span("suggest-value", s.value));
      if (s.alias) li.appendChild(span("suggest-alias", s.alias));
      // a count only where it is the total the choice will show: a filter chosen with no
      // other words; a word's (the records holding it) differed from its search's, which
      // also reads its synonyms and every field (防衛: 212 here, 260 there)
      if (s.kind === "facet" && !s.query) {
        li.appendChild(span("suggest-count", s.count.toLocaleString("ja-JP") + "件"));
      }
      list.appendChild(li);
    });
    if (items.length) {
      open();
      status.textContent = "候補 " + items.length + " 件。上下の矢印キーで選べます";
    } else {
      list.hidden = true;
      box.setAttribute("aria-expanded", "false");
      status.textContent = "";
    }
  }

  function ask() {
    var text = box.value;
    if (!text.trim()) {
      close();
      status.textContent = "";
      return;
    }
    asked += 1;
    var mine = asked;
    var url = endpoint + "?limit=" + LIMIT + "&q=" + encodeURIComponent(text);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (found) {
        if (found && mine === asked && document.activeElement === box && box.value === text) {
          show(found);
        }
      })
      .catch(function () { /* no suggestions: the box still searches */ });
  }

  function choose(n) {
    var s = items[n];
    if (!s) return;
    box.value = s.query;
    if (s.kind === "facet") {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = s.param;
      input.value = s.value;
      form.appendChild(input);
    }
    close();
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }

  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, WAIT_MS);
  });

  box.addEventListener("keydown", function (event) {
    if (event.isComposing || event.keyCode === 229) return; // the IME has these keys
    var count = list.hidden ? 0 : list.children.length;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!count) { ask(); return; }
      setActive(active + 1 < count ? active + 1 : 0);
    } else if (event.key === "ArrowUp") {
      if (!count) return;
      event.preventDefault();
      setActive(active > 0 ? active - 1 : count - 1);
    } else if (event.key === "Enter") {
      if (count && active >= 0) {
        event.preventDefault();
        choose(active);
      } else {
        close();
      }
    } else if (event.key === "Escape") {
      // closes the list; never empties the box (a search field's own Escape would throw
      // away a long query typed by hand: its × clears it on purpose)
      event.preventDefault();
      if (!list.hidden) close();
    } else if (event.key === "Tab") {
      close();
    }
  });

  box.addEventListener("blur", function () { close(); });

  function optionIndex(target) {
    var li = target && target.closest ? target.closest("[role=option]") : null;
    return li ? Array.prototype.indexOf.call(list.children, li) : -1;
  }
  // mousedown, not click: the box keeps its focus, so the list is still there for the click
  list.addEventListener("mousedown", function (event) {
    var n = optionIndex(event.target);
    if (n < 0) return;
    event.preventDefault();
    choose(n);
  });
  list.addEventListener("mousemove", function (event) {
    var n = optionIndex(event.target);
    if (n >= 0 && n !== active) setActive(n);
  });
})();
