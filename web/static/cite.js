// kirinuki 切り抜き — the record page's citations: each style has a button that copies its
// text. The buttons are shown only where this script runs (without it the text is selected
// by hand); they are real buttons, so Tab and Enter or Space reach and press them, and what
// happened is said in a status line that screen readers announce.
(function () {
  "use strict";
  var status = document.querySelector(".copy-status");
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
    var text = document.getElementById(button.getAttribute("data-copy"));
    if (!text || !status) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var label = button.getAttribute("data-label");
      function selected() {
        window.getSelection().selectAllChildren(text);
        status.textContent = label + "を選択しました。Ctrl+C(⌘C)でコピーしてください";
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text.textContent).then(function () {
          status.textContent = label + "をコピーしました";
        }, selected);
      } else {
        selected();
      }
    });
  });
})();
