/*
 * Palermo — the Analysis map (no build step, ES2017).
 *
 * Requires, loaded before this file (vendored): d3-array, d3-geo (window.d3), topojson-client.
 *
 * <figure id="analysis-map" data-values-id="ID" data-topojson="URL" data-aria-label="…">
 * <script type="application/json" id="ID">
 *   {"points": [{"id", "caption", "schema", "lat", "lon", "how"}],
 *    "density": [{"south", "west", "north", "east", "value" (0–1)}],
 *    "hot_spots": [{"south", "west", "north", "east", "points", "z", "p", "hot"}],
 *    "tiles": "https://tiles.example.org/{z}/{x}/{y}.png" or "", "attribution": ""}
 *
 * Draws an SVG: a tile server's map when one is configured (Web Mercator tiles at the zoom
 * that matches the projection), else the vendored country outlines; the density cells shaded;
 * the hot-spot cells outlined in red; one dot per place with a <title>. The page's tables hold
 * the same information for keyboard and screen-reader users.
 */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var WIDTH = 960, HEIGHT = 540, TILE = 256;

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function box(cell, projection) {
    var a = projection([cell.west, cell.north]), b = projection([cell.east, cell.south]);
    return { x: Math.min(a[0], b[0]), y: Math.min(a[1], b[1]),
             width: Math.abs(b[0] - a[0]), height: Math.abs(b[1] - a[1]) };
  }

  function tiles(layer, projection, template) {
    // d3.geoMercator's scale k relates to the tile zoom z by k = 256 · 2^z / (2π).
    var z = Math.max(0, Math.min(19, Math.round(Math.log2(projection.scale() * 2 * Math.PI / TILE))));
    var n = Math.pow(2, z);
    var world = TILE * n / (2 * Math.PI);  // the scale of zoom z
    var ratio = projection.scale() / world;
    var topLeft = projection.invert([0, 0]), bottomRight = projection.invert([WIDTH, HEIGHT]);
    function tileX(lon) { return Math.floor((lon + 180) / 360 * n); }
    function tileY(lat) {
      var r = lat * Math.PI / 180;
      return Math.floor((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * n);
    }
    var x0 = Math.max(0, tileX(topLeft[0])), x1 = Math.min(n - 1, tileX(bottomRight[0]));
    var y0 = Math.max(0, tileY(topLeft[1])), y1 = Math.min(n - 1, tileY(bottomRight[1]));
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > 400) return;
    for (var x = x0; x <= x1; x++) {
      for (var y = y0; y <= y1; y++) {
        var lon = x / n * 360 - 180;
        var lat = Math.atan(Math.sinh(Math.PI * (1 - 2 * y / n))) * 180 / Math.PI;
        var corner = projection([lon, lat]);
        el("image", {
          href: template.replace("{z}", z).replace("{x}", x).replace("{y}", y),
          x: corner[0], y: corner[1], width: TILE * ratio, height: TILE * ratio,
          preserveAspectRatio: "none"
        }, layer);
      }
    }
  }

  function draw(figure, data, outlines) {
    var points = data.points || [];
    var svg = el("svg", { viewBox: "0 0 " + WIDTH + " " + HEIGHT, role: "img",
                          "aria-label": figure.dataset.ariaLabel || "" });
    var extent = { type: "MultiPoint", coordinates: points.map(function (p) { return [p.lon, p.lat]; }) };
    (data.density || []).concat(data.hot_spots || []).forEach(function (c) {
      extent.coordinates.push([c.west, c.south], [c.east, c.north]);
    });
    var projection = d3.geoMercator();
    if (extent.coordinates.length) {
      projection.fitExtent([[20, 20], [WIDTH - 20, HEIGHT - 20]], extent);
      // A single place, or places very close together: not closer than a city's scale.
      projection.scale(Math.min(projection.scale(), 2e6));
    } else {
      projection.fitSize([WIDTH, HEIGHT], { type: "Sphere" });
    }
    var base = el("g", { "class": "map-base" }, svg);
    if (data.tiles) {
      tiles(base, projection, data.tiles);
    } else if (outlines) {
      var path = d3.geoPath(projection);
      var land = topojson.feature(outlines, outlines.objects.countries);
      el("rect", { x: 0, y: 0, width: WIDTH, height: HEIGHT, fill: "#eef4f8" }, base);
      land.features.forEach(function (f) {
        var d = path(f);
        if (d) el("path", { d: d, fill: "#f4f1ea", stroke: "#9a9a9a", "stroke-width": 0.5 }, base);
      });
    }
    var density = el("g", { "class": "map-density" }, svg);
    (data.density || []).forEach(function (c) {
      var b = box(c, projection);
      el("rect", { x: b.x, y: b.y, width: b.width + 0.5, height: b.height + 0.5,
                   fill: "#54278f", "fill-opacity": (0.6 * c.value).toFixed(3) }, density);
    });
    var hot = el("g", { "class": "map-hot-spots" }, svg);
    (data.hot_spots || []).filter(function (c) { return c.hot; }).forEach(function (c) {
      var b = box(c, projection);
      var r = el("rect", { x: b.x, y: b.y, width: b.width, height: b.height, fill: "none",
                           stroke: "#cb181d", "stroke-width": 2, "class": "hot-spot" }, hot);
      el("title", {}, r).textContent = "Gi* z = " + c.z + ", p = " + c.p + " (" + c.points + ")";
    });
    var dots = el("g", { "class": "map-points" }, svg);
    points.forEach(function (p) {
      var xy = projection([p.lon, p.lat]);
      var dot = el("circle", { cx: xy[0], cy: xy[1], r: 4, fill: "#08519c", stroke: "#fff",
                               "stroke-width": 1, "class": "place", "data-entity": p.id }, dots);
      el("title", {}, dot).textContent = (p.caption || p.id) + " — " + p.how;
    });
    figure.insertBefore(svg, figure.firstChild);
  }

  function start() {
    var figure = document.getElementById("analysis-map");
    if (!figure || !window.d3) return;
    var source = document.getElementById(figure.dataset.valuesId);
    var data = source ? JSON.parse(source.textContent) : {};
    if (data.tiles || !figure.dataset.topojson || !window.topojson) {
      draw(figure, data, null);
      return;
    }
    fetch(figure.dataset.topojson).then(function (r) { return r.json(); })
      .then(function (outlines) { draw(figure, data, outlines); })
      .catch(function () { draw(figure, data, null); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
