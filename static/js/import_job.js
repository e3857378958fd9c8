// An import job's page while the worker runs it: asks for its counts every second
// (procedures:import_job_progress) and shows them; once the job has finished the
// page is loaded again, and the server shows the result or the rows refused.
(function () {
  const EVERY_MS = 1000;
  const box = document.getElementById("import-job");
  if (!box) return;
  const bar = document.getElementById("import-job-bar");
  const counts = document.getElementById("import-job-counts");
  const status = document.getElementById("import-job-status");
  const stalled = document.getElementById("import-job-stalled");

  function show(job) {
    status.textContent = job.status_label;
    stalled.textContent = job.stalled;
    stalled.hidden = !job.stalled;
    if (!job.stage) return;
    bar.max = Math.max(job.total, 1);
    bar.value = job.done;
    counts.textContent = job.counts;
  }

  function poll() {
    fetch(box.dataset.url, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (job) {
        if (job.finished) {
          window.location.reload();
          return;
        }
        show(job);
        setTimeout(poll, EVERY_MS);
      })
      .catch(function () {
        setTimeout(poll, EVERY_MS * 5); // the server restarting: try again, less often
      });
  }

  setTimeout(poll, EVERY_MS);
})();
