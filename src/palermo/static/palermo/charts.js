/*
 * Palermo charts — progressive enhancement (no build step, ES2017).
 *
 * Requires vendor/chart.umd.min.js (-> window.Chart) loaded before this file.
 *
 * Markup contract
 * ---------------
 *   <figure class="chart" data-chart-id="growth-data"
 *           data-aria-label="Line chart: number of parties over time"
 *           data-aspect-ratio="2">                     (optional, default 2)
 *     <figcaption>...</figcaption>                      (optional; chart goes before it)
 *   </figure>
 *   <script type="application/json" id="growth-data">
 *     {"type": "line",                                  // "line" | "bar"
 *      "labels": ["1990-01-01", "1995-06-30", ...],     // x categories (strings)
 *      "datasets": [{"label": "Parties", "data": [3, 10, ...],
 *                    "stepped": true}],                 // stepped optional (line only)
 *      "x_title": "Date", "y_title": "Parties"}         // optional axis titles
 *   </script>
 *
 * The x axis is always a Chart.js *category* axis: time series are passed as
 * ISO date strings in "labels", so no date adapter is needed; tick labels are
 * auto-skipped when there are many points. Series colours come from the
 * Okabe-Ito colour-blind-safe palette. A dataset may optionally carry
 * "color": "#rrggbb" to override its palette colour.
 *
 * A <canvas role="img" aria-label="..."> is created inside the figure. The
 * page also carries an accessible <table> of the same data, so the chart is
 * purely an enhancement. Charts are (re)initialised after htmx swaps
 * (`htmx:afterSettle`), and charts whose canvas has been swapped out are
 * destroyed so Chart.js releases its resize listeners.
 */
(function () {
  'use strict';

  // Okabe-Ito palette, ordered for contrast on white (yellow last).
  const PALETTE = [
    '#0072B2', // blue
    '#D55E00', // vermillion
    '#009E73', // bluish green
    '#CC79A7', // reddish purple
    '#E69F00', // orange
    '#56B4E9', // sky blue
    '#000000', // black
    '#F0E442', // yellow
  ];

  const MANY_POINTS = 60; // above this, hide point markers on line charts

  /** figure -> Chart instance for every live chart we created. */
  const charts = new Map();

  function readJsonScript(id) {
    const script = id ? document.getElementById(id) : null;
    if (!script) {
      throw new Error('chart: no element with id "' + id + '"');
    }
    return JSON.parse(script.textContent);
  }

  function prefersReducedMotion() {
    return window.matchMedia
      && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  }

  function axisTitle(text) {
    return text ? { display: true, text: String(text) } : { display: false };
  }

  const DAY_MS = 86400000;

  /** "2003-09-29" → milliseconds since 1970 (UTC), or NaN. */
  function isoToMs(text) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text));
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) : NaN;
  }

  function msToIso(ms) {
    return new Date(ms).toISOString().slice(0, 10);
  }

  /**
   * "x_type": "date" — labels are ISO dates placed in proportion to time on a linear axis
   * (no date adapter needed); ticks and tooltips show ISO dates.
   */
  function dateAxis(spec, datasets, labels) {
    const xs = labels.map(isoToMs);
    datasets.forEach((ds) => {
      ds.data = ds.data.map((y, i) => ({ x: xs[i], y: y }));
    });
    return {
      type: 'linear',
      title: axisTitle(spec.x_title),
      ticks: {
        maxRotation: 0,
        autoSkipPadding: 16,
        callback: (value) => msToIso(value).slice(0, 4),
        stepSize: 365.25 * DAY_MS,
      },
    };
  }

  /** Translate the small JSON contract into a full Chart.js config. */
  function buildConfig(spec) {
    const type = spec.type === 'bar' ? 'bar' : 'line';
    const labels = Array.isArray(spec.labels) ? spec.labels.map(String) : [];
    const many = labels.length > MANY_POINTS;
    const sourceSets = Array.isArray(spec.datasets) ? spec.datasets : [];

    const datasets = sourceSets.map((ds, i) => {
      const color = ds.color || PALETTE[i % PALETTE.length];
      const out = {
        label: ds.label || '',
        data: Array.isArray(ds.data) ? ds.data : [],
        borderColor: color,
        // Lines are unfilled, so a solid background only colours the
        // legend box and point markers.
        backgroundColor: color,
      };
      if (type === 'line') {
        out.stepped = ds.stepped ? 'before' : false;
        out.tension = 0;
        out.borderWidth = 2;
        out.pointRadius = many ? 0 : 2.5;
        out.pointHoverRadius = 4;
        out.pointHitRadius = 6;
        out.fill = false;
      }
      return out;
    });

    const timeAxis = type === 'line' && spec.x_type === 'date' ? dateAxis(spec, datasets, labels) : null;

    return {
      type: type,
      data: timeAxis ? { datasets: datasets } : { labels: labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: true,
        animation: prefersReducedMotion() ? false : { duration: 400 },
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: timeAxis || {
            type: 'category',
            title: axisTitle(spec.x_title),
            ticks: { autoSkip: true, autoSkipPadding: 12, maxRotation: 0 },
            grid: { display: type === 'line' },
          },
          y: {
            beginAtZero: true,
            title: axisTitle(spec.y_title),
            ticks: { precision: 0 },
          },
        },
        plugins: {
          legend: { display: datasets.length > 1 },
          tooltip: timeAxis ? {
            enabled: true,
            callbacks: { title: (items) => (items.length ? msToIso(items[0].parsed.x) : '') },
          } : { enabled: true },
        },
      },
    };
  }

  function initChart(figure) {
    // Already live with its canvas still in this figure: nothing to do.
    const existing = charts.get(figure);
    if (existing && existing.canvas && figure.contains(existing.canvas)) return;

    try {
      if (typeof window.Chart !== 'function') {
        throw new Error('chart: Chart.js not loaded');
      }
      const spec = readJsonScript(figure.dataset.chartId);
      const config = buildConfig(spec);
      const ratio = parseFloat(figure.dataset.aspectRatio);
      if (ratio > 0) config.options.aspectRatio = ratio;

      // Remove stale generated markup (e.g. restored from an htmx history
      // snapshot, where the canvas survives but the Chart instance does not).
      figure.querySelectorAll(':scope > .chart-canvas-wrap').forEach((el) => el.remove());

      // Chart.js sizes the canvas from its parent, so give it a dedicated,
      // relatively positioned wrapper.
      const wrap = document.createElement('div');
      wrap.className = 'chart-canvas-wrap';
      wrap.style.position = 'relative';
      wrap.style.width = '100%';

      const canvas = document.createElement('canvas');
      const label = figure.dataset.ariaLabel || 'Chart';
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', label);
      canvas.textContent = label; // fallback content
      wrap.appendChild(canvas);

      const caption = figure.querySelector(':scope > figcaption');
      figure.insertBefore(wrap, caption);

      charts.set(figure, new window.Chart(canvas, config));
      figure.classList.add('chart--ready');
    } catch (err) {
      figure.classList.add('chart--error');
      console.warn(err);
    }
  }

  /** Destroy charts whose figure/canvas is no longer in the document. */
  function destroyDetached() {
    charts.forEach((chart, figure) => {
      if (!figure.isConnected || !chart.canvas || !chart.canvas.isConnected) {
        chart.destroy();
        charts.delete(figure);
      }
    });
  }

  /** Initialise every chart figure inside root (default: document). */
  function initAll(root) {
    const scope = root && root.querySelectorAll ? root : document;
    const figures = Array.from(scope.querySelectorAll('figure.chart[data-chart-id]'));
    if (scope.matches && scope.matches('figure.chart[data-chart-id]')) figures.push(scope);
    figures.forEach(initChart);
  }

  function onSwap() {
    destroyDetached();
    initAll(document);
  }

  function start() {
    // Match the page's typography.
    if (window.Chart && window.Chart.defaults) {
      window.Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
      window.Chart.defaults.color = '#333333';
    }
    initAll(document);
    document.body.addEventListener('htmx:afterSettle', onSwap);
    document.body.addEventListener('htmx:historyRestore', onSwap);
  }

  window.PalermoCharts = { init: initAll, destroyDetached: destroyDetached };

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
