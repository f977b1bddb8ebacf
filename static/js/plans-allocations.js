// Live row totals of the allocation grid: the difference between a row's cells and its item's
// quantity, updated as the officer types. The server checks the same rule on save.
(function () {
  "use strict";

  // A blank cell counts as 0; a negative or unreadable one makes the row "?" (the server
  // refuses both). static/js/numbers.js reads numbers as criteria/parsing.py does.
  function cellValue(text) {
    if (!(text || "").trim()) return 0;
    var value = NtmNumbers.parse(text);
    return value === null || value < 0 ? NaN : value;
  }

  function formatVn(number) {
    var rounded = Math.round(number * 1000) / 1000;
    return rounded.toLocaleString("vi-VN", { maximumFractionDigits: 3 });
  }

  function refresh(row) {
    var total = parseFloat(row.dataset.total);
    var sum = 0;
    var bad = false;
    row.querySelectorAll("input.cell").forEach(function (input) {
      var value = cellValue(input.value);
      if (isNaN(value)) bad = true;
      else sum += value;
    });
    var difference = Math.round((sum - total) * 1000) / 1000;
    row.querySelector(".row-allocated").textContent = bad ? "?" : formatVn(sum);
    var cell = row.querySelector(".row-difference");
    cell.textContent = bad ? "?" : difference === 0 ? "✓" : (difference > 0 ? "+" : "") + formatVn(difference);
    cell.classList.toggle("text-danger", bad || difference !== 0);
    cell.classList.toggle("fw-semibold", bad || difference !== 0);
    cell.classList.toggle("text-success", !bad && difference === 0);
  }

  document.querySelectorAll(".allocation-grid tbody tr[data-total]").forEach(function (row) {
    row.addEventListener("input", function () { refresh(row); });
  });
})();
