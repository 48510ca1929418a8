// Source view: bring the highlighted mention into the middle of the screen and give it focus, so
// keyboard and screen-reader users land on it too.
(function () {
  "use strict";
  function focusMention() {
    const mark = document.getElementById("hl");
    if (!mark) return;
    mark.scrollIntoView({ block: "center" });
    mark.focus({ preventScroll: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", focusMention);
  else focusMention();
})();
