/*
 * Palermo link chart — an investigation's network drawn with sigma.js (WebGL) on graphology.
 *
 * Requires vendor/linkchart-lib.min.js (window.LinkChartLib: Sigma, Graph, layouts, node
 * pictograms) before this file. No build step, ES2019, no inline script (the page's Content
 * Security Policy forbids them): the page passes its settings in
 *   <div id="linkchart" data-graph-url data-expand-url data-charts-url data-chart-url
 *        data-icon-base data-layout-lib data-entity-url> … </div>
 *   <script type="application/json" id="linkchart-config">{…}</script>
 *   <script type="application/json" id="linkchart-strings">{…}</script>
 *
 * This same file is the ForceAtlas2 worker: the page starts `new Worker(<this file>)`, which
 * loads vendor/linkchart-layout.min.js with importScripts (a blob worker would be refused by
 * the Content Security Policy).
 *
 * window.palermoLinkChart exposes the graph, the renderer, `ready` (a promise) and timings
 * (first render, last expand, layout) for the tests and bench/linkchart_bench.py.
 */
(function () {
  'use strict';

  // -- the ForceAtlas2 worker ------------------------------------------------------------
  if (typeof window === 'undefined' && typeof importScripts === 'function') {
    var running = null;
    self.onmessage = function (event) {
      var job = event.data;
      if (job.lib && !self.LinkChartLayout) importScripts(job.lib);
      var L = self.LinkChartLayout;
      var graph = new L.Graph({ type: 'undirected' });
      var n = job.x.length;
      for (var i = 0; i < n; i++) graph.addNode(i, { x: job.x[i], y: job.y[i], size: job.size[i] });
      for (var e = 0; e < job.edges.length; e += 2) {
        var s = job.edges[e], t = job.edges[e + 1];
        if (s === t) continue;
        graph.updateEdge(s, t, function (attr) { return { weight: (attr.weight || 0) + 1 }; });
      }
      var settings = Object.assign(L.forceAtlas2.inferSettings(graph), {
        barnesHutOptimize: n > 800, adjustSizes: false, gravity: 1, scalingRatio: n > 800 ? 10 : 2,
      });
      var done = 0, batch = n > 2000 ? 10 : 25;
      running = job.id;
      (function step() {
        if (running !== job.id) return;
        L.forceAtlas2.assign(graph, { iterations: batch, settings: settings, getEdgeWeight: 'weight' });
        done += batch;
        var x = new Float32Array(n), y = new Float32Array(n);
        graph.forEachNode(function (key, attr) { x[key] = attr.x; y[key] = attr.y; });
        self.postMessage({ id: job.id, x: x, y: y, done: done, total: job.iterations }, [x.buffer, y.buffer]);
        if (done < job.iterations) setTimeout(step, 0);
      })();
    };
    return;
  }

  var root = document.getElementById('linkchart');
  if (!root || !window.LinkChartLib) return;
  var SCRIPT_URL = document.currentScript ? document.currentScript.src : null;
  var L = window.LinkChartLib;
  var config = JSON.parse(document.getElementById('linkchart-config').textContent);
  var T = JSON.parse(document.getElementById('linkchart-strings').textContent);
  var $ = function (name) { return root.querySelector('[data-role="' + name + '"]'); };
  var fmt = function (text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) { return String(values[key]); });
  };
  var number = new Intl.NumberFormat(document.documentElement.lang || undefined);
  var now = function () { return performance.now(); };

  var api = {
    timings: { start: now() },
    graph: null,
    renderer: null,
    chartId: config.chart,
  };
  window.palermoLinkChart = api;
  var readyResolve;
  api.ready = new Promise(function (resolve) { readyResolve = resolve; });

  // Layout of the page: set here through the CSS object model (the policy forbids inline styles).
  var canvasBox = $('canvas');
  canvasBox.style.height = '70vh';
  canvasBox.style.minHeight = '420px';
  canvasBox.style.border = '1px solid var(--pico-muted-border-color)';
  canvasBox.style.position = 'relative';
  canvasBox.style.background = '#fff';
  var body = $('body');
  body.style.display = 'grid';
  body.style.gridTemplateColumns = 'minmax(0, 1fr) 18rem';
  body.style.gap = '1rem';
  var toolbar = root.querySelector('.linkchart-toolbar');
  toolbar.style.display = 'grid';
  toolbar.style.gridTemplateColumns = 'repeat(auto-fill, minmax(15rem, 1fr))';
  toolbar.style.gap = '0 1.5rem';
  toolbar.querySelectorAll('button').forEach(function (button) {
    button.style.padding = '.25rem .6rem';
    button.style.fontSize = '.9rem';
    button.style.width = 'auto';
  });
  $('timeline').style.width = '100%';
  $('timeline').style.height = '90px';

  // -- state -----------------------------------------------------------------------------
  var graph = new L.Graph({ multi: true, type: 'directed', allowSelfLoops: false });
  api.graph = graph;
  var hiddenTypes = new Set();
  var metric = '';
  var threshold = 0;
  var metricMax = {};
  var loadedMetrics = new Set(['degree']);
  var selected = null;
  var neighbours = null;
  var timeRange = null; // [min, max] ms of every dated item
  var window_ = null; // [since, until] ms, or null for everything
  var layoutWorker = null;
  var currentLayout = '';

  function colour(type) { return config.colours[type] || '#666666'; }
  function iconUrl(icon) { return root.dataset.iconBase + icon + '.svg'; }
  // The pictograms as data: URLs drawn at 128 px (the renderer would otherwise make blob:
  // URLs of them, which the Content Security Policy refuses for images).
  var iconData = {};
  function loadIcons() {
    var names = new Set(Object.values(config.icons).concat([config.unknownIcon]));
    return Promise.all(Array.from(names).map(function (icon) {
      return fetch(iconUrl(icon)).then(function (r) { return r.text(); }).then(function (text) {
        var svg = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
        svg.setAttribute('width', '128');
        svg.setAttribute('height', '128');
        iconData[icon] = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(svg));
      }).catch(function () { /* a missing pictogram leaves a plain disc */ });
    }));
  }
  function toTime(text) {
    if (!text) return null;
    var t = Date.parse(text.length === 7 ? text + '-01' : text.length === 4 ? text + '-01-01' : text);
    return isNaN(t) ? null : t;
  }
  function nodeSize(attr) {
    var value = metric ? attr['m_' + metric] : attr.degree;
    var max = metric ? metricMax[metric] : metricMax.degree;
    if (!max || value == null) return 4;
    return 3 + 12 * Math.sqrt(value / max);
  }

  function addNodes(nodes, around) {
    var added = [];
    nodes.forEach(function (node, i) {
      var attrs = {
        label: node.caption,
        schema: node.type,
        entity: node.entity,
        degree: node.degree,
        color: colour(node.type),
        pictoColor: '#ffffff',
        icon: node.icon || config.unknownIcon,
        image: iconData[node.icon || config.unknownIcon] || null,
        date: toTime(node.date),
      };
      Object.keys(node.metrics || {}).forEach(function (name) { attrs['m_' + name] = node.metrics[name]; });
      if (graph.hasNode(node.id)) {
        graph.mergeNodeAttributes(node.id, attrs);
        return;
      }
      if (around) {
        var angle = (2 * Math.PI * i) / nodes.length;
        attrs.x = around.x + around.r * Math.cos(angle);
        attrs.y = around.y + around.r * Math.sin(angle);
      } else {
        attrs.x = Math.random();
        attrs.y = Math.random();
      }
      graph.addNode(node.id, attrs);
      added.push(node.id);
    });
    return added;
  }

  function addLinks(links) {
    links.forEach(function (link) {
      if (graph.hasEdge(link.id) || !graph.hasNode(link.source) || !graph.hasNode(link.target)) return;
      if (link.source === link.target) return;
      graph.addDirectedEdgeWithKey(link.id, link.source, link.target, {
        schema: link.type,
        entity: link.entity,
        date: toTime(link.date),
        end: toTime(link.end),
        amount: link.amount,
        currency: link.currency,
        size: 1,
        color: '#b9b9b9',
      });
    });
  }

  function recomputeScales() {
    metricMax = {};
    graph.forEachNode(function (_key, attr) {
      Object.keys(attr).forEach(function (name) {
        if (name === 'degree' || name.indexOf('m_') === 0) {
          var key = name === 'degree' ? 'degree' : name.slice(2);
          if (attr[name] > (metricMax[key] || 0)) metricMax[key] = attr[name];
        }
      });
    });
    var times = [];
    graph.forEachNode(function (_k, attr) { if (attr.date != null) times.push(attr.date); });
    graph.forEachEdge(function (_k, attr) { if (attr.date != null) times.push(attr.date); });
    timeRange = times.length ? [Math.min.apply(null, times), Math.max.apply(null, times)] : null;
    graph.forEachNode(function (key, attr) { graph.setNodeAttribute(key, 'size', nodeSize(attr)); });
  }

  // -- filters ---------------------------------------------------------------------------
  function nodeVisible(key, attr) {
    if (hiddenTypes.has(attr.schema)) return false;
    if (metric && threshold > 0) {
      var value = attr['m_' + metric];
      if (value == null || value < threshold) return false;
    }
    if (window_ && attr.date != null && (attr.date < window_[0] || attr.date > window_[1])) return false;
    return true;
  }
  function edgeVisible(attr) {
    if (hiddenTypes.has(attr.schema)) return false;
    if (window_) {
      if (attr.date == null) return false;
      var end = attr.end != null ? attr.end : attr.date;
      if (end < window_[0] || attr.date > window_[1]) return false;
    }
    return true;
  }

  var visibleCache = null;
  function visibleNodes() {
    if (visibleCache) return visibleCache;
    visibleCache = new Set();
    graph.forEachNode(function (key, attr) { if (nodeVisible(key, attr)) visibleCache.add(key); });
    return visibleCache;
  }

  function nodeReducer(key, attr) {
    var shown = visibleNodes();
    if (!shown.has(key)) return Object.assign({}, attr, { hidden: true });
    if (selected && neighbours && !neighbours.has(key) && key !== selected) {
      return Object.assign({}, attr, { color: '#dddddd', pictoColor: '#f5f5f5', label: '', zIndex: 0 });
    }
    if (key === selected) return Object.assign({}, attr, { highlighted: true, zIndex: 2 });
    return attr;
  }
  function edgeReducer(key, attr) {
    var shown = visibleNodes();
    var ends = graph.extremities(key);
    if (!edgeVisible(attr) || !shown.has(ends[0]) || !shown.has(ends[1])) {
      return Object.assign({}, attr, { hidden: true });
    }
    if (selected && ends[0] !== selected && ends[1] !== selected) {
      return Object.assign({}, attr, { color: '#eeeeee' });
    }
    if (selected) return Object.assign({}, attr, { color: '#555555', size: 2 });
    return attr;
  }

  function refresh() {
    visibleCache = null;
    if (api.renderer) api.renderer.refresh();
    drawTimeline();
    updateStatus();
  }

  // -- the renderer ----------------------------------------------------------------------
  function makeRenderer() {
    var Pictogram = L.createNodeCompoundProgram([
      L.NodeCircleProgram,
      L.createNodeImageProgram({
        padding: 0.25,
        size: { mode: 'max', value: 128 },
        drawingMode: 'color',
        colorAttribute: 'pictoColor',
      }),
    ]);
    var renderer = new L.Sigma(graph, canvasBox, {
      defaultNodeType: 'pictogram',
      nodeProgramClasses: { pictogram: Pictogram },
      defaultEdgeType: 'arrow',
      edgeProgramClasses: { arrow: L.EdgeArrowProgram },
      nodeReducer: nodeReducer,
      edgeReducer: edgeReducer,
      zIndex: true,
      labelRenderedSizeThreshold: 9,
      labelDensity: 0.5,
      minEdgeThickness: 0.6,
      allowInvalidContainer: true,
    });
    renderer.on('clickNode', function (event) { select(event.node); });
    renderer.on('clickStage', function () { select(null); });
    // The constructor has drawn the first frame.
    api.timings.firstRender = now() - api.timings.start;
    api.renderer = renderer;
    return renderer;
  }

  // -- details and expand ----------------------------------------------------------------
  function select(key) {
    selected = key && graph.hasNode(key) ? key : null;
    neighbours = selected ? new Set(graph.neighbors(selected)) : null;
    var panel = $('details');
    panel.replaceChildren();
    if (!selected) {
      var hint = document.createElement('p');
      hint.className = 'muted';
      hint.textContent = T.pick;
      panel.appendChild(hint);
      refresh();
      return;
    }
    var attr = graph.getNodeAttributes(selected);
    var title = document.createElement('h3');
    title.textContent = attr.label;
    var type = document.createElement('p');
    type.textContent = attr.schema;
    var list = document.createElement('dl');
    function row(label, value) {
      var dt = document.createElement('dt');
      dt.textContent = label;
      var dd = document.createElement('dd');
      dd.textContent = value;
      list.append(dt, dd);
    }
    row(T.degree, number.format(attr.degree));
    row(T.onChart, number.format(neighbours.size));
    Object.keys(config.metricLabels).forEach(function (name) {
      if (attr['m_' + name] != null && name !== 'degree') {
        row(config.metricLabels[name], attr['m_' + name].toPrecision(3));
      }
    });
    var open = document.createElement('a');
    open.href = root.dataset.entityUrl.replace(/0\/$/, attr.entity + '/');
    open.textContent = T.evidence;
    var hops = document.createElement('select');
    hops.setAttribute('aria-label', T.hops);
    [1, 2, 3].forEach(function (h) {
      var option = document.createElement('option');
      option.value = h;
      option.textContent = fmt(T.hopsN, { n: h });
      hops.appendChild(option);
    });
    var expandButton = document.createElement('button');
    expandButton.type = 'button';
    expandButton.textContent = T.expand;
    expandButton.dataset.role = 'expand';
    expandButton.addEventListener('click', function () { expand(selected, Number(hops.value)); });
    panel.append(title, type, list, hops, expandButton, open);
    refresh();
  }

  function getJson(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(
      function (response) {
        return response.json().then(function (data) {
          if (!response.ok) throw new Error(Array.isArray(data.detail) ? data.detail.join(' ') : data.detail);
          return data;
        });
      }
    );
  }

  function expand(key, hops) {
    var started = now();
    var attr = graph.getNodeAttributes(key);
    var url = root.dataset.expandUrl.replace(/\/0$/, '/' + attr.entity) + '?hops=' + hops;
    say(T.expanding);
    return getJson(url).then(function (data) {
      var before = graph.order;
      var extent = graphExtent();
      var added = addNodes(data.nodes, { x: attr.x, y: attr.y, r: extent / 12 || 0.1 });
      addLinks(data.links);
      recomputeScales();
      select(key);
      api.timings.expand = now() - started;
      say(fmt(T.expanded, { added: number.format(graph.order - before), name: attr.label }));
      api.lastExpandAdded = added.length;
      return added;
    }).catch(function (error) { say(error.message, true); });
  }

  function graphExtent() {
    var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    graph.forEachNode(function (_k, a) {
      if (a.x < minX) minX = a.x;
      if (a.x > maxX) maxX = a.x;
      if (a.y < minY) minY = a.y;
      if (a.y > maxY) maxY = a.y;
    });
    return Math.max(maxX - minX, maxY - minY);
  }

  // -- layouts ---------------------------------------------------------------------------
  function stopLayout() {
    if (layoutWorker) { layoutWorker.terminate(); layoutWorker = null; }
  }

  function forceAtlas2(iterations) {
    stopLayout();
    currentLayout = 'forceatlas2';
    var keys = graph.nodes();
    var index = new Map(keys.map(function (k, i) { return [k, i]; }));
    var x = new Float32Array(keys.length), y = new Float32Array(keys.length), size = new Float32Array(keys.length);
    keys.forEach(function (k, i) {
      var a = graph.getNodeAttributes(k);
      x[i] = a.x; y[i] = a.y; size[i] = a.size || 1;
    });
    var edges = new Uint32Array(graph.size * 2), e = 0;
    graph.forEachEdge(function (_key, _attr, s, t) { edges[e++] = index.get(s); edges[e++] = index.get(t); });
    var started = now();
    layoutWorker = new Worker(SCRIPT_URL);
    var worker = layoutWorker;
    say(T.layoutRunning);
    return new Promise(function (resolve) {
      worker.onmessage = function (event) {
        var result = event.data;
        keys.forEach(function (k, i) {
          if (graph.hasNode(k)) graph.mergeNodeAttributes(k, { x: result.x[i], y: result.y[i] });
        });
        if (result.done >= result.total) {
          api.timings.layout = now() - started;
          worker.terminate();
          if (layoutWorker === worker) layoutWorker = null;
          say(T.layoutDone);
          resolve();
        }
      };
      worker.postMessage({ id: Date.now(), lib: root.dataset.layoutLib, x: x, y: y, size: size, edges: edges, iterations: iterations || 200 }, [x.buffer, y.buffer, size.buffer, edges.buffer]);
    });
  }

  function circular() {
    stopLayout();
    currentLayout = 'circular';
    var keys = graph.nodes().sort(function (a, b) {
      var sa = graph.getNodeAttribute(a, 'schema'), sb = graph.getNodeAttribute(b, 'schema');
      return sa < sb ? -1 : sa > sb ? 1 : graph.degree(b) - graph.degree(a);
    });
    keys.forEach(function (k, i) {
      var angle = (2 * Math.PI * i) / keys.length;
      graph.mergeNodeAttributes(k, { x: Math.cos(angle), y: Math.sin(angle) });
    });
  }

  function radial() {
    stopLayout();
    currentLayout = 'radial';
    var start = selected;
    if (!start) {
      graph.forEachNode(function (k) { if (!start || graph.degree(k) > graph.degree(start)) start = k; });
    }
    if (!start) return;
    var depth = new Map([[start, 0]]), angle = new Map([[start, 0]]);
    var rings = [[start]];
    while (rings[rings.length - 1].length) {
      var next = [];
      rings[rings.length - 1].forEach(function (k) {
        graph.forEachNeighbor(k, function (n) {
          if (!depth.has(n)) { depth.set(n, rings.length); angle.set(n, angle.get(k)); next.push(n); }
        });
      });
      next.sort(function (a, b) { return angle.get(a) - angle.get(b); });
      next.forEach(function (k, i) { angle.set(k, (2 * Math.PI * i) / next.length); });
      rings.push(next);
    }
    var outer = rings.length;
    var rest = graph.nodes().filter(function (k) { return !depth.has(k); });
    rest.forEach(function (k, i) { depth.set(k, outer); angle.set(k, (2 * Math.PI * i) / rest.length); });
    graph.forEachNode(function (k) {
      var r = depth.get(k), a = angle.get(k);
      graph.mergeNodeAttributes(k, { x: r * Math.cos(a), y: r * Math.sin(a) });
    });
  }

  function applyLayout(name) {
    if (name === 'forceatlas2') return forceAtlas2(200);
    if (name === 'circular') circular();
    if (name === 'radial') radial();
    if (api.renderer) api.renderer.getCamera().animatedReset({ duration: 300 });
    return Promise.resolve();
  }

  // -- the timeline ----------------------------------------------------------------------
  var KINDS = [
    { name: 'events', colour: '#9B1C1C', test: function (a, isNode) { return isNode && a.schema === 'Event'; } },
    { name: 'calls', colour: '#0072B2', test: function (a, isNode) { return !isNode && a.schema === 'Call'; } },
    { name: 'payments', colour: '#E69F00', test: function (a, isNode) { return !isNode && a.schema === 'Payment'; } },
    { name: 'other', colour: '#999999', test: function () { return true; } },
  ];
  var BINS = 80;
  KINDS.forEach(function (kind) {
    var swatch = root.querySelector('.swatch[data-kind="' + kind.name + '"]');
    if (swatch) swatch.style.background = kind.colour;
  });

  function timelineItems() {
    // What the chart shows, less the time window: the timeline is filtered with the chart.
    var items = [];
    var saved = window_;
    window_ = null;
    visibleCache = null;
    var shown = visibleNodes();
    graph.forEachNode(function (k, a) { if (a.date != null && shown.has(k)) items.push([a.date, a, true]); });
    graph.forEachEdge(function (k, a, s, t) {
      if (a.date != null && edgeVisible(a) && shown.has(s) && shown.has(t)) items.push([a.date, a, false]);
    });
    window_ = saved;
    visibleCache = null;
    return items;
  }

  function drawTimeline() {
    var canvas = $('timeline');
    var summary = $('timeline-summary');
    var width = canvas.clientWidth || 800, height = canvas.clientHeight || 90;
    var ratio = window.devicePixelRatio || 1;
    canvas.width = width * ratio;
    canvas.height = height * ratio;
    var ctx = canvas.getContext('2d');
    ctx.scale(ratio, ratio);
    ctx.clearRect(0, 0, width, height);
    if (!timeRange) {
      summary.textContent = T.noDates;
      return;
    }
    var span = Math.max(timeRange[1] - timeRange[0], 1);
    var counts = KINDS.map(function () { return new Array(BINS).fill(0); });
    var inWindow = KINDS.map(function () { return 0; });
    timelineItems().forEach(function (item) {
      var bin = Math.min(BINS - 1, Math.floor(((item[0] - timeRange[0]) / span) * BINS));
      for (var k = 0; k < KINDS.length; k++) {
        if (KINDS[k].test(item[1], item[2])) {
          counts[k][bin]++;
          if (!window_ || (item[0] >= window_[0] && item[0] <= window_[1])) inWindow[k]++;
          break;
        }
      }
    });
    var highest = 1;
    for (var b = 0; b < BINS; b++) {
      var total = 0;
      for (var k2 = 0; k2 < KINDS.length; k2++) total += counts[k2][b];
      if (total > highest) highest = total;
    }
    var barWidth = width / BINS, plot = height - 16;
    if (window_) {
      ctx.fillStyle = '#eef4fb';
      var x0 = ((window_[0] - timeRange[0]) / span) * width, x1 = ((window_[1] - timeRange[0]) / span) * width;
      ctx.fillRect(x0, 0, Math.max(x1 - x0, 2), plot);
    }
    for (var bin = 0; bin < BINS; bin++) {
      var y = plot;
      for (var k3 = 0; k3 < KINDS.length; k3++) {
        var h = (counts[k3][bin] / highest) * (plot - 4);
        if (!h) continue;
        ctx.fillStyle = KINDS[k3].colour;
        ctx.fillRect(bin * barWidth + 1, y - h, Math.max(barWidth - 2, 1), h);
        y -= h;
      }
    }
    ctx.fillStyle = '#333';
    ctx.font = '11px sans-serif';
    ctx.textBaseline = 'bottom';
    ctx.fillText(new Date(timeRange[0]).toISOString().slice(0, 10), 2, height);
    var last = new Date(timeRange[1]).toISOString().slice(0, 10);
    ctx.fillText(last, width - ctx.measureText(last).width - 2, height);
    summary.textContent = fmt(T.timelineSummary, {
      events: number.format(inWindow[0]),
      calls: number.format(inWindow[1]),
      payments: number.format(inWindow[2]),
      other: number.format(inWindow[3]),
    });
  }

  function readWindow() {
    var from = Number($('since').value), to = Number($('until').value);
    if (from > to) { var swap = from; from = to; to = swap; }
    if (!timeRange || (from === 0 && to === 1000)) {
      window_ = null;
    } else {
      var span = timeRange[1] - timeRange[0];
      window_ = [timeRange[0] + (span * from) / 1000, timeRange[0] + (span * to) / 1000];
    }
    $('window-label').textContent = window_
      ? fmt(T.windowFromTo, {
          since: new Date(window_[0]).toISOString().slice(0, 10),
          until: new Date(window_[1]).toISOString().slice(0, 10),
        })
      : T.windowAll;
    refresh();
  }

  // -- status ----------------------------------------------------------------------------
  var lastTotal = null;
  function say(text, isError) {
    var out = $('message');
    out.textContent = text;
    out.className = isError ? 'error-text' : '';
  }
  function updateStatus() {
    if (!lastTotal) return;
    var shown = visibleNodes().size;
    var text = fmt(T.showing, {
      shown: number.format(shown),
      loaded: number.format(graph.order),
      total: number.format(lastTotal.total_nodes),
      links: number.format(graph.size),
    });
    if (lastTotal.truncated) text += ' ' + T.truncated;
    $('status').textContent = text;
  }

  // -- saving and exporting --------------------------------------------------------------
  function chartState() {
    var camera = api.renderer.getCamera().getState();
    var nodes = [];
    graph.forEachNode(function (k, a) { nodes.push({ id: k, x: a.x, y: a.y }); });
    return {
      nodes: nodes,
      layout: currentLayout,
      filters: {
        hidden_types: Array.from(hiddenTypes),
        metric: metric,
        threshold: threshold,
        since: window_ ? new Date(window_[0]).toISOString() : null,
        until: window_ ? new Date(window_[1]).toISOString() : null,
        window: [Number($('since').value), Number($('until').value)],
      },
      selection: selected ? [selected] : [],
      viewport: { x: camera.x, y: camera.y, ratio: camera.ratio, angle: camera.angle },
    };
  }
  api.state = chartState;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken'];
    } catch (_e) {
      return '';
    }
  }

  function save() {
    var title = $('title').value.trim();
    if (!title) { say(T.needTitle, true); $('title').focus(); return Promise.resolve(); }
    var url = api.chartId ? root.dataset.chartsUrl + '/' + api.chartId : root.dataset.chartsUrl;
    return fetch(url, {
      method: api.chartId ? 'PUT' : 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': csrfToken() },
      body: JSON.stringify({ title: title, state: chartState() }),
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(Array.isArray(data.detail) ? data.detail.join(' ') : data.detail);
        var isNew = !api.chartId;
        api.chartId = data.id;
        if (isNew) {
          var pageUrl = root.dataset.savedUrl.replace(/0\/$/, data.id + '/');
          history.replaceState(null, '', pageUrl);
          var list = document.getElementById('saved-charts');
          if (list) {
            var item = document.createElement('li');
            var link = document.createElement('a');
            link.href = pageUrl;
            link.textContent = data.title;
            item.appendChild(link);
            list.prepend(item);
          }
        }
        say(fmt(T.saved, { title: data.title }));
      });
    }).catch(function (error) { say(error.message, true); });
  }

  function download(blob, name) {
    var link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }

  function fileName(ext) {
    return 'palermo-investigation-' + config.investigation + '-chart.' + ext;
  }

  function pngBlob() {
    var renderer = api.renderer;
    renderer.refresh();
    var layers = renderer.getCanvases();
    var size = renderer.getDimensions();
    var ratio = window.devicePixelRatio || 1;
    var out = document.createElement('canvas');
    out.width = size.width * ratio;
    out.height = size.height * ratio;
    var ctx = out.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, out.width, out.height);
    ['edges', 'nodes', 'edgeLabels', 'labels'].forEach(function (id) {
      if (layers[id]) ctx.drawImage(layers[id], 0, 0, out.width, out.height);
    });
    return new Promise(function (resolve) { out.toBlob(resolve, 'image/png'); });
  }
  api.pngBlob = pngBlob;

  var iconCache = {};
  function iconSymbol(icon) {
    if (iconCache[icon]) return Promise.resolve(iconCache[icon]);
    return fetch(iconUrl(icon)).then(function (r) { return r.text(); }).then(function (text) {
      var doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      var svg = doc.documentElement;
      var symbol = document.createElementNS('http://www.w3.org/2000/svg', 'symbol');
      symbol.setAttribute('id', 'icon-' + icon);
      symbol.setAttribute('viewBox', svg.getAttribute('viewBox') || '0 0 24 24');
      Array.from(svg.childNodes).forEach(function (child) {
        if (child.nodeType === 1) symbol.appendChild(document.importNode(child, true));
      });
      iconCache[icon] = symbol;
      return symbol;
    });
  }

  function svgText() {
    var NS = 'http://www.w3.org/2000/svg';
    var renderer = api.renderer;
    var size = renderer.getDimensions();
    var svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('xmlns', NS);
    svg.setAttribute('width', size.width);
    svg.setAttribute('height', size.height);
    svg.setAttribute('viewBox', '0 0 ' + size.width + ' ' + size.height);
    var title = document.createElementNS(NS, 'title');
    title.textContent = document.title;
    var background = document.createElementNS(NS, 'rect');
    background.setAttribute('width', '100%');
    background.setAttribute('height', '100%');
    background.setAttribute('fill', '#ffffff');
    var defs = document.createElementNS(NS, 'defs');
    var edgesGroup = document.createElementNS(NS, 'g');
    edgesGroup.setAttribute('stroke-width', '1');
    var nodesGroup = document.createElementNS(NS, 'g');
    var labelsGroup = document.createElementNS(NS, 'g');
    labelsGroup.setAttribute('font-family', 'sans-serif');
    labelsGroup.setAttribute('font-size', '12');
    svg.append(title, defs, background, edgesGroup, nodesGroup, labelsGroup);
    var icons = new Set();
    var points = {};
    graph.forEachNode(function (key) {
      var data = renderer.getNodeDisplayData(key);
      if (!data || data.hidden) return;
      var p = renderer.graphToViewport({ x: data.x, y: data.y });
      var r = renderer.scaleSize ? renderer.scaleSize(data.size) : data.size;
      points[key] = [p.x, p.y, r, data];
    });
    graph.forEachEdge(function (key, _attr, s, t) {
      var data = renderer.getEdgeDisplayData(key);
      if (!data || data.hidden || !points[s] || !points[t]) return;
      var line = document.createElementNS(NS, 'line');
      line.setAttribute('x1', points[s][0].toFixed(1));
      line.setAttribute('y1', points[s][1].toFixed(1));
      line.setAttribute('x2', points[t][0].toFixed(1));
      line.setAttribute('y2', points[t][1].toFixed(1));
      line.setAttribute('stroke', data.color || '#b9b9b9');
      edgesGroup.appendChild(line);
    });
    Object.keys(points).forEach(function (key) {
      var point = points[key], data = point[3], attr = graph.getNodeAttributes(key);
      var circle = document.createElementNS(NS, 'circle');
      circle.setAttribute('cx', point[0].toFixed(1));
      circle.setAttribute('cy', point[1].toFixed(1));
      circle.setAttribute('r', point[2].toFixed(1));
      circle.setAttribute('fill', data.color);
      circle.setAttribute('data-id', key);
      var tip = document.createElementNS(NS, 'title');
      tip.textContent = attr.label + ' (' + attr.schema + ')';
      circle.appendChild(tip);
      nodesGroup.appendChild(circle);
      var icon = attr.icon;
      icons.add(icon);
      var use = document.createElementNS(NS, 'use');
      var half = point[2] * 0.6;
      use.setAttribute('href', '#icon-' + icon);
      use.setAttribute('x', (point[0] - half).toFixed(1));
      use.setAttribute('y', (point[1] - half).toFixed(1));
      use.setAttribute('width', (2 * half).toFixed(1));
      use.setAttribute('height', (2 * half).toFixed(1));
      use.setAttribute('stroke', data.pictoColor || '#ffffff');
      use.setAttribute('fill', 'none');
      nodesGroup.appendChild(use);
      if (data.label && point[2] * 2 >= 9) {
        var text = document.createElementNS(NS, 'text');
        text.setAttribute('x', (point[0] + point[2] + 3).toFixed(1));
        text.setAttribute('y', (point[1] + 4).toFixed(1));
        text.textContent = data.label;
        labelsGroup.appendChild(text);
      }
    });
    return Promise.all(Array.from(icons).map(iconSymbol)).then(function (symbols) {
      symbols.forEach(function (symbol) { defs.appendChild(symbol.cloneNode(true)); });
      return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(svg);
    });
  }
  api.svgText = svgText;

  // -- loading ---------------------------------------------------------------------------
  function loadMetric(name) {
    if (!name || loadedMetrics.has(name)) return Promise.resolve();
    say(T.computing);
    var url = root.dataset.graphUrl + '?metrics=' + name + '&limit=' + Math.max(graph.order, 1);
    return getJson(url).then(function (data) {
      data.nodes.forEach(function (node) {
        if (graph.hasNode(node.id)) graph.setNodeAttribute(node.id, 'm_' + name, node.metrics[name]);
      });
      loadedMetrics.add(name);
      recomputeScales();
      say('');
    });
  }

  function applyState(state) {
    var filters = state.filters || {};
    hiddenTypes = new Set(filters.hidden_types || []);
    root.querySelectorAll('[data-role="type"]').forEach(function (box) {
      box.checked = !hiddenTypes.has(box.value);
    });
    var positions = {};
    (state.nodes || []).forEach(function (p) { positions[p.id] = p; });
    if (state.nodes && state.nodes.length) {
      graph.forEachNode(function (k) {
        if (!positions[k]) graph.dropNode(k);
        else graph.mergeNodeAttributes(k, { x: positions[k].x, y: positions[k].y });
      });
    }
    currentLayout = state.layout || '';
    if (filters.window) {
      $('since').value = filters.window[0];
      $('until').value = filters.window[1];
    }
    var done = Promise.resolve();
    if (filters.metric) {
      metric = filters.metric;
      $('metric').value = metric;
      done = loadMetric(metric);
    }
    return done.then(function () {
      threshold = filters.threshold || 0;
      setThresholdControl();
      recomputeScales();
      readWindow();
      if (state.selection && state.selection.length) select(state.selection[0]);
      if (state.viewport) api.renderer.getCamera().setState(state.viewport);
    });
  }

  function setThresholdControl() {
    var control = $('threshold');
    var max = metric ? metricMax[metric] || 0 : 0;
    control.disabled = !metric;
    control.max = 100;
    control.value = max ? Math.round((100 * threshold) / max) : 0;
    $('threshold-label').textContent = metric ? fmt(T.atLeast, { value: threshold.toPrecision(3) }) : '';
  }

  function load() {
    var saved = config.chart ? getJson(root.dataset.chartsUrl + '/' + config.chart) : Promise.resolve(null);
    return Promise.all([saved, loadIcons()]).then(function (found) {
      var chart = found[0];
      var wanted = chart && chart.state.nodes && chart.state.nodes.length ? chart.state.nodes.length : 0;
      var limit = wanted ? Math.max(wanted * 4, 5000) : Number(root.dataset.limit || 5000);
      return getJson(root.dataset.graphUrl + '?limit=' + Math.min(limit, 20000)).then(function (data) {
        api.timings.data = now() - api.timings.start;
        lastTotal = data;
        addNodes(data.nodes);
        addLinks(data.links);
        if (!chart) L.circular.assign(graph, { scale: 1 });
        recomputeScales();
        showPresentTypes();
        makeRenderer();
        if (chart) {
          $('title').value = chart.title;
          return applyState(chart.state).then(function () { return { fresh: false }; });
        }
        return { fresh: true };
      });
    }).then(function (result) {
      refresh();
      readyResolve(api);
      if (result.fresh && graph.order > 1) forceAtlas2(graph.order > 2000 ? 100 : 200);
    }).catch(function (error) {
      say(error.message, true);
      readyResolve(api);
    });
  }

  function showPresentTypes() {
    var present = new Set();
    graph.forEachNode(function (_k, a) { present.add(a.schema); });
    graph.forEachEdge(function (_k, a) { present.add(a.schema); });
    root.querySelectorAll('[data-role="type"]').forEach(function (box) {
      box.closest('label').hidden = !present.has(box.value);
    });
  }

  // -- controls --------------------------------------------------------------------------
  root.querySelectorAll('[data-role="type"]').forEach(function (box) {
    box.addEventListener('change', function () {
      if (box.checked) hiddenTypes.delete(box.value);
      else hiddenTypes.add(box.value);
      refresh();
    });
  });
  $('metric').addEventListener('change', function (event) {
    metric = event.target.value;
    threshold = 0;
    loadMetric(metric).then(function () {
      recomputeScales();
      setThresholdControl();
      refresh();
    }).catch(function (error) { say(error.message, true); });
  });
  $('threshold').addEventListener('input', function (event) {
    var max = metricMax[metric] || 0;
    threshold = (Number(event.target.value) / 100) * max;
    $('threshold-label').textContent = fmt(T.atLeast, { value: threshold.toPrecision(3) });
    refresh();
  });
  $('since').addEventListener('input', readWindow);
  $('until').addEventListener('input', readWindow);
  root.querySelectorAll('[data-layout]').forEach(function (button) {
    button.addEventListener('click', function () { applyLayout(button.dataset.layout); });
  });
  $('stop').addEventListener('click', function () { stopLayout(); say(T.layoutDone); });
  $('find').addEventListener('submit', function (event) {
    event.preventDefault();
    var text = $('query').value.trim().toLowerCase();
    if (!text) return;
    var found = graph.findNode(function (_k, a) { return (a.label || '').toLowerCase().indexOf(text) !== -1; });
    if (!found) { say(fmt(T.notFound, { text: text }), true); return; }
    select(found);
    var data = api.renderer.getNodeDisplayData(found);
    api.renderer.getCamera().animate({ x: data.x, y: data.y, ratio: 0.3 }, { duration: 400 });
  });
  $('png').addEventListener('click', function () {
    pngBlob().then(function (blob) { download(blob, fileName('png')); });
  });
  $('svg').addEventListener('click', function () {
    svgText().then(function (text) { download(new Blob([text], { type: 'image/svg+xml' }), fileName('svg')); });
  });
  var saveForm = $('save');
  if (saveForm) {
    saveForm.addEventListener('submit', function (event) { event.preventDefault(); save(); });
  }
  window.addEventListener('resize', drawTimeline);

  api.expand = expand;
  api.select = select;
  api.applyLayout = applyLayout;
  load();
})();
