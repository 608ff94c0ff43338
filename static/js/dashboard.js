// The dashboard's charts, drawn by Chart.js (served by the app: /static/chartjs/) from the
// numbers each chart carries in a JSON block beside its canvas; the tables show the same numbers.

const FONT = 'system-ui, "DejaVu Sans", "Vazirmatn", sans-serif';

function axisTitle(text) {
  return text ? { display: true, text } : { display: false };
}

const ISO_DAY = /^\d{4}-(\d{2}-\d{2})$/;

const PERSIAN = /[\u0600-\u06FF]/;

// Long names are cut to what the chart's width leaves them, the ellipsis on the side where the
// text was cut (the left, for right-to-left Persian).
function shortened(label, width) {
  const room = Math.max(12, Math.floor(width / 17));
  if (label.length <= room) return label;
  const kept = label.slice(0, room - 1).trim();
  return PERSIAN.test(label) ? `…${kept}` : `${kept}…`;
}

// Days read as "11-30" under the bars; the tooltips and tables keep the whole date and name.
function categoryTicks(spec) {
  return {
    autoSkip: !spec.horizontal,
    callback(value) {
      const label = String(this.getLabelForValue(value));
      const day = ISO_DAY.exec(label);
      return day ? day[1] : shortened(label, this.chart.width);
    },
  };
}

function scalesFor(spec) {
  const stacked = Boolean(spec.stacked);
  const valueAxis = spec.horizontal ? "x" : "y";
  const scales = {
    x: { stacked, title: axisTitle(spec.xTitle), ticks: {} },
    y: { stacked, title: axisTitle(spec.yTitle), ticks: {} },
  };
  scales[spec.horizontal ? "y" : "x"].ticks = categoryTicks(spec);
  scales[valueAxis].beginAtZero = true;
  scales[valueAxis].ticks.precision = 0;
  if (spec.series.some((series) => series.axis === "y1")) {
    scales.y1 = {
      position: "right",
      beginAtZero: true,
      grid: { drawOnChartArea: false },
      title: axisTitle(spec.y1Title),
    };
  }
  return scales;
}

function draw(canvas) {
  const data = document.getElementById(`${canvas.id}-data`);
  if (!data || !window.Chart) return;
  const spec = JSON.parse(data.textContent);
  if (spec.horizontal) {
    // One bar a row, however many rows: the frame grows with them.
    canvas.parentElement.style.blockSize = `${Math.max(12, spec.labels.length * 2 + 4)}rem`;
  }
  const datasets = spec.series.map((series) => ({
    label: series.label,
    data: series.data,
    backgroundColor: series.colour,
    borderColor: series.colour,
    yAxisID: series.axis || "y",
    pointRadius: spec.kind === "line" ? 2 : undefined,
    tension: 0,
  }));
  return new window.Chart(canvas, {
    type: spec.kind,
    data: { labels: spec.labels, datasets },
    options: {
      indexAxis: spec.horizontal ? "y" : "x",
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      plugins: { legend: { display: spec.legend !== false, position: "bottom" } },
      scales: scalesFor(spec),
    },
  });
}

function start() {
  if (!window.Chart) return;
  window.Chart.defaults.font.family = FONT;
  window.Chart.defaults.color = "#1d232b";
  document.querySelectorAll("canvas[data-chart]").forEach(draw);
}

start();
