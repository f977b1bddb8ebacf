// Polls the state of the user's export jobs while any is queued or running, and shows each
// job's progress, status, error and download link as they change. No inline code: the page
// passes the status URL and the link label through data attributes.
(function () {
  "use strict";
  var list = document.getElementById("export-jobs");
  if (!list) { return; }
  var script = document.currentScript || document.querySelector("script[data-download-label]");
  var label = (script && script.getAttribute("data-download-label")) || "Tải về";
  var pdfLabel = (script && script.getAttribute("data-pdf-label")) || "PDF";
  var url = list.getAttribute("data-status-url");
  var delay = 2000;

  function update(job) {
    var row = list.querySelector('[data-job="' + job.id + '"]');
    if (!row) { return false; }
    row.querySelector("progress").value = job.progress;
    row.querySelector("progress").textContent = job.progress + "%";
    row.querySelector('[data-role="status"]').textContent = job.status_label;
    row.querySelector('[data-role="error"]').textContent = job.error;
    var cell = row.querySelector('[data-role="file"]');
    if (job.download_url && !cell.querySelector("a")) {
      var link = document.createElement("a");
      link.className = "btn btn-sm btn-success";
      link.href = job.download_url;
      link.textContent = label;
      cell.appendChild(link);
    }
    if (job.pdf_url && !cell.querySelector('[data-role="pdf"]')) {
      var pdf = document.createElement("a");
      pdf.className = "btn btn-sm btn-outline-success";
      pdf.href = job.pdf_url;
      pdf.textContent = pdfLabel;
      pdf.setAttribute("data-role", "pdf");
      cell.appendChild(pdf);
    }
    if (job.active) { row.setAttribute("data-active", ""); } else { row.removeAttribute("data-active"); }
    return true;
  }

  function poll() {
    if (!list.querySelector("[data-active]")) { return; }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { jobs: [] }; })
      .then(function (data) { data.jobs.forEach(update); })
      .catch(function () { delay = Math.min(delay * 2, 30000); })
      .then(function () { window.setTimeout(poll, delay); });
  }

  window.setTimeout(poll, delay);
})();
