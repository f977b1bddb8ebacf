// While a roll-up is queued or running, polls its status feed and reloads the page once it is
// built or has failed. No inline code: the status URL comes from a data attribute.
(function () {
  "use strict";
  var box = document.getElementById("rollup-state");
  if (!box || !box.hasAttribute("data-active")) { return; }
  var url = box.getAttribute("data-status-url");
  var delay = 2000;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (state && !state.active) { window.location.reload(); return; }
        if (state) { box.querySelector('[data-role="status"]').textContent = state.status_label; }
        window.setTimeout(poll, delay);
      })
      .catch(function () { delay = Math.min(delay * 2, 30000); window.setTimeout(poll, delay); });
  }

  window.setTimeout(poll, delay);
})();
