// Apply the saved light/dark choice before the page paints (no flash).
"use strict";
(function () {
  try {
    const saved = window.localStorage.getItem("theme");
    if (saved === "light" || saved === "dark") {
      document.documentElement.dataset.theme = saved;
    }
  } catch (e) {
    // Storage may be blocked; the system setting still applies.
  }
})();
