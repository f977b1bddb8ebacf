// Entry page: evaluates typed values as the official types (same rules as evaluation.py),
// keeps Enter from submitting, and moves focus to the next field instead.
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  var dataNode = document.getElementById("entry-data");
  if (!form || !dataNode) return;
  var data = JSON.parse(dataNode.textContent);
  var labels = JSON.parse(document.getElementById("entry-labels").textContent);

  // static/js/numbers.js reads the typed number, as criteria/parsing.py does on the server.
  function parseNumber(text, percent) {
    return NtmNumbers.parse(text, { percent: percent });
  }

  function statusOf(id, raw) {
    var spec = data.indicators[id];
    if (raw === "" || raw === null) return "no_value";
    if (spec.kind === "bool") {
      if (spec.flag === null) return "no_threshold";
      return (raw === "1") === spec.flag ? "met" : "not_met";
    }
    if (spec.kind === "level") {
      if (!spec.level) return "no_threshold";
      return spec.levels.indexOf(raw) >= spec.levels.indexOf(spec.level) ? "met" : "not_met";
    }
    var n = parseNumber(raw, spec.kind.indexOf("percent") === 0);
    if (n === null || n < 0 || (spec.kind.indexOf("percent") === 0 && n > 100)) return "invalid";
    if (spec.value === null) return "no_threshold";
    var limit = Number(spec.value);
    return /_max$/.test(spec.kind) ? (n <= limit ? "met" : "not_met") : (n >= limit ? "met" : "not_met");
  }

  function badge(status) {
    var span = document.createElement("span");
    span.className = "badge badge-status-" + status;
    span.textContent = labels[status];
    return span;
  }

  function criterionStatus(statuses) {
    if (!statuses.length) return "no_threshold";
    var order = ["not_met", "no_threshold", "no_value"];
    for (var i = 0; i < order.length; i++) if (statuses.indexOf(order[i]) >= 0) return order[i];
    return "met";
  }

  function refreshCriterion(criterionId) {
    var statuses = [];
    Object.keys(data.indicators).forEach(function (id) {
      if (data.indicators[id].criterion !== criterionId) return;
      var input = form.querySelector('[data-indicator="' + id + '"]');
      var s = statusOf(id, input ? input.value : "");
      statuses.push(s === "invalid" ? "no_value" : s);
    });
    var met = statuses.filter(function (s) { return s === "met"; }).length;
    var count = document.querySelector('[data-criterion-count="' + criterionId + '"]');
    if (count) count.textContent = met + "/" + statuses.length;
    var holder = document.querySelector('[data-criterion-badge="' + criterionId + '"]');
    var status = data.criteria[criterionId] ? criterionStatus(statuses) : "no_threshold";
    if (holder) holder.replaceChildren(badge(status));
  }

  function refresh(input) {
    var id = input.getAttribute("data-indicator");
    var holder = document.querySelector('[data-status-for="' + id + '"]');
    if (holder) holder.replaceChildren(badge(statusOf(id, input.value)));
    refreshCriterion(data.indicators[id].criterion);
  }

  form.addEventListener("input", function (event) {
    if (event.target.hasAttribute("data-indicator")) refresh(event.target);
  });
  form.addEventListener("change", function (event) {
    if (event.target.hasAttribute("data-indicator")) refresh(event.target);
  });

  // Enter moves to the next field in indicator order instead of submitting the form.
  form.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || target.tagName === "TEXTAREA" || target.tagName === "BUTTON") return;
    if (target.tagName !== "INPUT" && target.tagName !== "SELECT") return;
    event.preventDefault();
    var fields = Array.prototype.filter.call(form.elements, function (el) {
      return (el.tagName === "INPUT" || el.tagName === "SELECT") && el.type !== "hidden" && !el.disabled &&
        el.form === form;
    });
    var next = fields[fields.indexOf(target) + 1];
    if (next) next.focus();
  });
})();
