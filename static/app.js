// Small progressive enhancements for the dashboard; every page works without them.
(function () {
  "use strict";

  // "Copy" buttons: data-copy names the element whose text to copy.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    var text = source.value !== undefined ? source.value : source.textContent;
    var status = button.parentElement.querySelector(".copy-status");
    function done(message) {
      if (status) status.textContent = message;
      setTimeout(function () { if (status) status.textContent = ""; }, 4000);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done("Copied to the clipboard."); }, fallback);
    } else {
      fallback();
    }
    function fallback() {
      source.focus();
      source.select();
      try {
        done(document.execCommand("copy") ? "Copied to the clipboard." : "Press Ctrl+C (⌘C on a Mac) to copy.");
      } catch (e) {
        done("Press Ctrl+C (⌘C on a Mac) to copy.");
      }
    }
  });

  // Menus (<details>) close on Escape and when clicking elsewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });

  // A submitted form shows that it is working and cannot be sent twice.
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector("button[type=submit]");
    if (button) {
      button.setAttribute("aria-busy", "true");
      setTimeout(function () { button.disabled = true; }, 0);
    }
  });
})();
