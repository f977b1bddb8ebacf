// Live row totals of the allocation grid: the difference between a row's cells and its item's
// quantity, updated as the officer types. The server checks the same rule on save.
(function () {
  "use strict";

  function parseVn(text) {
    var value = (text || "").replace(/\s/g, "");
    if (!value) return 0;
    if (/^\d{1,3}(\.\d{3})+(,\d+)?$/.test(value)) value = value.replace(/\./g, "").replace(",", ".");
    else if (/^\d+([,.]\d+)?$/.test(value)) value = value.replace(",", ".");
    else return NaN;
    return parseFloat(value);
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
      var value = parseVn(input.value);
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
