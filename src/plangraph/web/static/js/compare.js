// Compare page: draw one indicator across places and years with the bundled Chart.js (no network
// access). One line a place, x the year, y the amount in the concept's unit; the point shape says
// the kind of value (circle: baseline or actual, triangle: target, star: a target stated in a
// sentence). Labels are document text: Chart.js draws them on the canvas, never as HTML.
(function () {
  "use strict";
  const canvas = document.getElementById("compare-chart");
  const dataElement = document.getElementById("compare-data");
  if (!canvas || !dataElement || typeof Chart !== "function") return;
  const data = JSON.parse(dataElement.textContent);
  const status = { ready: false, series: data.series.length, points: 0 };
  window.plangraphCompare = status;

  // Tableau 10, as the rest of the site (colour-blind aware).
  const colours = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
                   "#ff9da7", "#9c755f", "#bab0ac"];
  const css = getComputedStyle(document.documentElement);
  const text = css.getPropertyValue("--text").trim() || "#1c2329";
  const line = css.getPropertyValue("--line").trim() || "#d5dbe0";

  function shape(point) {
    if (point.source === "sentence") return "star";
    return point.kind === "Target" ? "triangle" : "circle";
  }

  // A place draws two lines in its colour: what it reached (baselines and actuals, solid) and what
  // it set out to reach (targets, dashed); a line only joins values of one kind.
  const datasets = [];
  data.series.forEach(function (series, index) {
    const colour = colours[index % colours.length];
    status.points += series.points.length;
    [["reached", function (p) { return p.kind !== "Target"; }, []],
     ["目标 target", function (p) { return p.kind === "Target"; }, [6, 4]]].forEach(function (part) {
      const points = series.points.filter(part[1]);
      if (!points.length) return;
      datasets.push({
        label: part[0] === "reached" ? series.label : series.label + " " + part[0],
        data: points,
        parsing: { xAxisKey: "x", yAxisKey: "y" },
        borderColor: colour,
        backgroundColor: colour,
        borderDash: part[2],
        pointStyle: points.map(shape),
        pointRadius: points.map(function (p) { return p.kind === "Target" ? 6 : 4; }),
        pointHoverRadius: 8,
        showLine: points.length > 1,
        tension: 0,
      });
    });
  });

  const chart = new Chart(canvas, {
    type: "line",
    data: { datasets: datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "nearest", intersect: true },
      scales: {
        x: { type: "linear", title: { display: true, text: "年份 year", color: text },
             ticks: { stepSize: 1, precision: 0, color: text, callback: function (v) { return String(v); } },
             grid: { color: line } },
        y: { title: { display: !!data.unit, text: data.unit, color: text }, ticks: { color: text },
             grid: { color: line } },
      },
      plugins: {
        legend: { labels: { color: text, usePointStyle: true } },
        tooltip: {
          callbacks: {
            label: function (item) {
              const p = item.raw;
              return item.dataset.label + " " + p.x + ": " + p.text + " (" + p.kind + ", " + p.document + ")";
            },
          },
        },
      },
    },
  });
  status.chart = chart;
  status.ready = true;
  document.body.setAttribute("data-chart-points", String(status.points));
})();
