// What every page needs: the menu button on narrow screens (the one behaviour the pages
// needed from Bootstrap's 80 KB script, which is therefore not loaded) and "copy link"
// buttons, to share a report or a reminder in the commune's chat group.
(function () {
  "use strict";
  document.querySelectorAll("[data-nav-toggle]").forEach(function (button) {
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) return;
    button.addEventListener("click", function () {
      var open = menu.classList.toggle("show");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });

  function copied(button) {
    var label = button.textContent;
    button.textContent = button.getAttribute("data-copied");
    setTimeout(function () { button.textContent = label; }, 2500);
  }

  document.querySelectorAll("[data-copy-link]").forEach(function (button) {
    var link = new URL(button.getAttribute("data-copy-link"), window.location.href).href;
    button.addEventListener("click", function () {
      var field = document.getElementById(button.getAttribute("aria-controls"));
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(link).then(function () { copied(button); });
        return;
      }
      // Plain HTTP (a closed office network) has no clipboard API: show the link, selected.
      if (field) {
        field.value = link;
        field.hidden = false;
        field.select();
        if (document.execCommand && document.execCommand("copy")) copied(button);
      }
    });
  });
})();
