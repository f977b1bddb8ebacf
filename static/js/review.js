// Review queue: a "select all" box (shown only with JavaScript) ticks or clears every row.
(function () {
  "use strict";
  var all = document.getElementById("pick-all");
  if (!all) return;
  var rows = document.querySelectorAll('input[name="assessment"][type="checkbox"]');
  all.hidden = false;
  all.addEventListener("change", function () {
    rows.forEach(function (row) { row.checked = all.checked; });
  });
})();
