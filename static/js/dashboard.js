// Draws the dashboard's monthly trends with Chart.js from the JSON the page embeds.
(function () {
  const data = JSON.parse(document.getElementById("trend-data").textContent);
  const colours = ["#0d6efd", "#198754", "#20c997", "#dc3545"];
  function draw(id, series, type, options) {
    const canvas = document.getElementById(id);
    if (!canvas) return;
    new Chart(canvas, {
      type: type,
      data: {
        labels: data.labels,
        datasets: Object.entries(series).map(([label, values], index) => ({
          label: label,
          data: values,
          backgroundColor: colours[index % colours.length],
          borderColor: colours[index % colours.length],
          spanGaps: true,
        })),
      },
      options: Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, options),
    });
  }
  draw("chart-counts", data.counts, "bar", { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } });
  draw("chart-rates", data.rates, "line", { scales: { y: { min: 0, max: 100 } } });
})();
