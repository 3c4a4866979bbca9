/*
 * Palermo world map — progressive enhancement (no build step, ES2017).
 *
 * Requires, loaded before this file (all vendored, no network needed):
 *   vendor/d3-array.min.js, vendor/d3-geo.min.js  (-> window.d3.geo*)
 *   vendor/topojson-client.min.js                 (-> window.topojson)
 *
 * Markup contract
 * ---------------
 *   <figure class="world-map"
 *           data-topojson="/static/vendor/countries-110m.json"
 *           data-values-id="map-data"
 *           data-legend-id="map-legend"          (optional)
 *           data-aria-label="Map of ... "         (recommended)
 *           data-no-data-label="No data">         (optional, default "No data")
 *     <figcaption>...</figcaption>               (optional; map goes before it)
 *   </figure>
 *   <div id="map-legend"></div>                  (optional; legend is built here)
 *   <script type="application/json" id="map-data">
 *     {"categories": [{"key": "party", "label": "Party", "color": "#1f6f43"}, ...],
 *      "values": {"032": "party", ...},             // M49 code -> category key
 *      "labels": {"032": "Argentina", ...},         // M49 code -> display name
 *      "links":  {"032": "/treaties/participants/ARG/", ...}}
 *   </script>
 *
 * Keys are ISO 3166-1 numeric / UN M49 codes as zero-padded 3-character
 * strings, matching the feature ids of world-atlas' countries-110m.json.
 * Codes with a value but no 110m outline (small states) simply aren't drawn;
 * the page's accessible table remains the complete record.
 *
 * The map is drawn as <svg role="img" aria-label="..."> with one <path> per
 * country, filled with its category colour (#d9d9d9 when it has no value) and
 * carrying a <title> "Name: Label" for hover. Countries with a link get
 * data-href, a pointer cursor and click navigation (Ctrl/Cmd/Shift/middle
 * click opens a new tab). They are deliberately NOT wrapped in <a href>: an
 * svg with role="img" has presentational children, so focusable links inside
 * it fail axe's "nested-interactive" rule (WCAG 4.1.2) and are invisible to
 * screen readers anyway. Keyboard and screen-reader users get the same links
 * from the page's data table. Only http(s) and relative links are accepted.
 *
 * The map is redrawn (debounced) when the figure's width changes, and any new
 * figure swapped in by htmx is initialised on `htmx:afterSettle`.
 */
(function () {
  'use strict';

  const SVG_NS = 'http://www.w3.org/2000/svg';
  const NO_DATA_COLOR = '#d9d9d9';
  const STROKE_COLOR = '#ffffff';
  const SPHERE_STROKE = '#b0b0b0';
  const RESIZE_DEBOUNCE_MS = 150;

  /** Per-figure state; a WeakMap so swapped-out figures can be collected. */
  const states = new WeakMap();

  /** url -> Promise<Array<GeoJSON Feature>>, shared by every map on the page. */
  const featureCache = new Map();

  // ---------------------------------------------------------------------
  // Helpers
  // ---------------------------------------------------------------------

  function svgEl(name, attrs) {
    const el = document.createElementNS(SVG_NS, name);
    if (attrs) {
      Object.keys(attrs).forEach((key) => el.setAttribute(key, attrs[key]));
    }
    return el;
  }

  function debounce(fn, ms) {
    let timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  /** Parse the JSON held in <script type="application/json" id="...">. */
  function readJsonScript(id) {
    const script = id ? document.getElementById(id) : null;
    if (!script) {
      throw new Error('world-map: no element with id "' + id + '"');
    }
    return JSON.parse(script.textContent);
  }

  /**
   * Only allow http(s) and relative links, so data can never inject a
   * javascript: URL. Returns the original string or null.
   */
  function safeHref(href) {
    if (typeof href !== 'string' || href === '') return null;
    try {
      const url = new URL(href, window.location.href);
      return url.protocol === 'http:' || url.protocol === 'https:' ? href : null;
    } catch (e) {
      return null;
    }
  }

  /** Fetch a TopoJSON file once and convert its countries object to features. */
  function loadFeatures(url, objectName) {
    const cacheKey = url + '#' + objectName;
    if (!featureCache.has(cacheKey)) {
      const promise = fetch(url, { credentials: 'same-origin' })
        .then((response) => {
          if (!response.ok) {
            throw new Error('world-map: HTTP ' + response.status + ' for ' + url);
          }
          return response.json();
        })
        .then((topology) => {
          const object = topology.objects && topology.objects[objectName];
          if (!object) {
            throw new Error('world-map: no object "' + objectName + '" in ' + url);
          }
          return window.topojson.feature(topology, object).features;
        });
      // Do not cache failures, so a later init can retry.
      promise.catch(() => featureCache.delete(cacheKey));
      featureCache.set(cacheKey, promise);
    }
    return featureCache.get(cacheKey);
  }

  /** Normalise the values JSON into lookups used while drawing. */
  function prepareData(raw) {
    const categories = Array.isArray(raw.categories) ? raw.categories : [];
    const byKey = new Map();
    categories.forEach((cat) => byKey.set(cat.key, cat));
    return {
      categories: categories,
      categoryByKey: byKey,
      values: raw.values || {},
      labels: raw.labels || {},
      links: raw.links || {},
    };
  }

  // ---------------------------------------------------------------------
  // Drawing
  // ---------------------------------------------------------------------

  function draw(figure, state) {
    const width = Math.floor(figure.clientWidth);
    if (!width) return; // hidden (e.g. closed <details>); ResizeObserver retries
    if (width === state.drawnWidth) return;
    state.drawnWidth = width;

    const d3 = window.d3;
    const data = state.data;
    const noDataLabel = figure.dataset.noDataLabel || 'No data';

    // Fit the whole globe outline to the available width (less a small pad
    // so the outline's stroke is not clipped); the height follows from it.
    const pad = 1;
    const sphere = { type: 'Sphere' };
    const projection = (d3.geoNaturalEarth1 || d3.geoEqualEarth)()
      .fitWidth(width - 2 * pad, sphere);
    const t = projection.translate();
    projection.translate([t[0] + pad, t[1] + pad]);
    const path = d3.geoPath(projection);
    const bounds = path.bounds(sphere);
    const height = Math.ceil(bounds[1][1] + pad);

    const svg = svgEl('svg', {
      class: 'world-map-svg',
      viewBox: '0 0 ' + width + ' ' + height,
      width: '100%',
      role: 'img',
      'aria-label': figure.dataset.ariaLabel || 'World map',
      preserveAspectRatio: 'xMidYMid meet',
    });
    svg.style.display = 'block';
    svg.style.height = 'auto';
    svg.style.maxWidth = '100%';

    svg.appendChild(svgEl('path', {
      class: 'world-map-sphere',
      d: path(sphere),
      fill: 'none',
      stroke: SPHERE_STROKE,
      'stroke-width': '0.75',
    }));

    const countries = svgEl('g', { class: 'world-map-countries' });
    state.features.forEach((feature) => {
      const id = feature.id; // zero-padded M49 string; undefined for a few
      const d = path(feature);
      if (!d) return;

      const catKey = id !== undefined ? data.values[id] : undefined;
      const category = catKey !== undefined ? data.categoryByKey.get(catKey) : undefined;
      const name = (id !== undefined && data.labels[id])
        || (feature.properties && feature.properties.name)
        || 'Unknown';
      const label = category ? category.label : noDataLabel;

      const shape = svgEl('path', {
        class: 'world-map-country' + (category ? ' has-value' : ' no-value'),
        d: d,
        fill: category && category.color ? category.color : NO_DATA_COLOR,
        stroke: STROKE_COLOR,
        'stroke-width': '0.5',
        'stroke-linejoin': 'round',
      });
      if (id !== undefined) shape.setAttribute('data-m49', id);
      if (catKey !== undefined) shape.setAttribute('data-category', catKey);
      const title = svgEl('title');
      title.textContent = name + ': ' + label;
      shape.appendChild(title);

      const href = id !== undefined ? safeHref(data.links[id]) : null;
      if (href) {
        shape.setAttribute('data-href', href);
        shape.classList.add('has-link');
        shape.style.cursor = 'pointer';
      }
      countries.appendChild(shape);
    });
    countries.addEventListener('click', onCountryClick);
    countries.addEventListener('auxclick', onCountryClick);
    svg.appendChild(countries);

    // Replace the previous drawing (if any) in place, else insert before
    // the figcaption so the caption stays last.
    if (state.svg && state.svg.parentNode === figure) {
      figure.replaceChild(svg, state.svg);
    } else {
      const caption = figure.querySelector(':scope > figcaption');
      figure.insertBefore(svg, caption);
    }
    state.svg = svg;
  }

  /**
   * Follow a country's link. Plain click navigates; Ctrl/Cmd/Shift-click or
   * middle-click opens a new tab, like an ordinary link would.
   */
  function onCountryClick(event) {
    const shape = event.target.closest ? event.target.closest('[data-href]') : null;
    if (!shape) return;
    if (event.type === 'auxclick' && event.button !== 1) return;
    const href = shape.getAttribute('data-href');
    event.preventDefault();
    if (event.type === 'auxclick' || event.ctrlKey || event.metaKey || event.shiftKey) {
      window.open(href, '_blank', 'noopener');
    } else {
      window.location.assign(href);
    }
  }

  /** Build a simple legend list from the categories (plus "No data"). */
  function buildLegend(figure, data) {
    const legendId = figure.dataset.legendId;
    const target = legendId ? document.getElementById(legendId) : null;
    if (!target) return;

    const entries = data.categories.map((cat) => ({
      key: cat.key, label: cat.label, color: cat.color || NO_DATA_COLOR,
    }));
    entries.push({ key: '', label: figure.dataset.noDataLabel || 'No data', color: NO_DATA_COLOR });

    const list = document.createElement('ul');
    list.className = 'world-map-legend';
    list.style.listStyle = 'none';
    list.style.padding = '0';
    list.style.display = 'flex';
    list.style.flexWrap = 'wrap';
    list.style.gap = '0.25rem 1rem';

    entries.forEach((entry) => {
      const item = document.createElement('li');
      item.className = 'world-map-legend-item';
      if (entry.key) item.dataset.category = entry.key;

      const swatch = document.createElement('span');
      swatch.className = 'world-map-legend-swatch';
      swatch.setAttribute('aria-hidden', 'true');
      // CSSOM (not a style attribute), so this also works under a strict CSP.
      swatch.style.display = 'inline-block';
      swatch.style.width = '1em';
      swatch.style.height = '1em';
      swatch.style.marginRight = '0.35em';
      swatch.style.verticalAlign = '-0.125em';
      swatch.style.border = '1px solid rgba(0, 0, 0, 0.35)';
      swatch.style.backgroundColor = entry.color;

      item.appendChild(swatch);
      item.appendChild(document.createTextNode(entry.label));
      list.appendChild(item);
    });

    target.replaceChildren(list);
  }

  // ---------------------------------------------------------------------
  // Lifecycle
  // ---------------------------------------------------------------------

  const resizeObserver = typeof ResizeObserver === 'function'
    ? new ResizeObserver((entries) => {
      entries.forEach((entry) => {
        const state = states.get(entry.target);
        if (!entry.target.isConnected) {
          resizeObserver.unobserve(entry.target);
        } else if (state && state.features) {
          state.redraw();
        }
      });
    })
    : null;

  async function initMap(figure) {
    if (states.has(figure)) return;
    const state = { data: null, features: null, svg: null, drawnWidth: 0, redraw: null };
    states.set(figure, state);
    state.redraw = debounce(() => {
      if (figure.isConnected) draw(figure, state);
    }, RESIZE_DEBOUNCE_MS);

    // Remove stale generated markup (e.g. restored from an htmx history
    // snapshot, where the svg survives but this script's state does not).
    figure.querySelectorAll(':scope > svg.world-map-svg').forEach((el) => el.remove());

    try {
      if (!window.d3 || !window.d3.geoPath || !window.topojson) {
        throw new Error('world-map: d3-geo / topojson-client not loaded');
      }
      state.data = prepareData(readJsonScript(figure.dataset.valuesId));
      buildLegend(figure, state.data);
      state.features = await loadFeatures(
        figure.dataset.topojson,
        figure.dataset.topojsonObject || 'countries'
      );
      if (!figure.isConnected) return; // swapped out while loading
      draw(figure, state);
      figure.classList.add('world-map--ready');
      if (resizeObserver) {
        resizeObserver.observe(figure);
      } else {
        window.addEventListener('resize', state.redraw);
      }
    } catch (err) {
      figure.classList.add('world-map--error');
      // The accessible table on the page still carries the data.
      console.warn(err);
    }
  }

  /** Initialise every not-yet-initialised map inside root (default: document). */
  function initAll(root) {
    const scope = root && root.querySelectorAll ? root : document;
    const figures = Array.from(scope.querySelectorAll('figure.world-map'));
    if (scope.matches && scope.matches('figure.world-map')) figures.push(scope);
    figures.forEach((figure) => { initMap(figure); });
  }

  function start() {
    initAll(document);
    // htmx fires afterSettle on the swap target; new figures may be anywhere
    // below it (or replace it, for outerHTML swaps), so rescan the document.
    const rescan = () => initAll(document);
    document.body.addEventListener('htmx:afterSettle', rescan);
    document.body.addEventListener('htmx:historyRestore', rescan);
  }

  window.PalermoWorldMap = { init: initAll };

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
