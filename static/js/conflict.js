// Conflict page: choosing the other user's value or your own puts it into the field, and
// typing into that field afterwards means "mine" (the value in the field) again.
(function () {
  "use strict";
  document.querySelectorAll("input[data-conflict-for]").forEach(function (radio) {
    var field = document.getElementById(radio.getAttribute("data-conflict-for"));
    if (!field) return;
    radio.addEventListener("change", function () {
      if (!radio.checked) return;
      field.value = radio.getAttribute("data-input");
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.dispatchEvent(new Event("change", { bubbles: true }));
    });
    if (radio.value !== "mine") return;
    var typed = function (event) {
      if (event.isTrusted) radio.checked = true;
    };
    field.addEventListener("input", typed);
    field.addEventListener("change", typed);
  });
})();
