"""The link chart in headless Chromium: 5,000 nodes and 10,000 links on screen.

    python bench/linkchart_bench.py [--nodes 5000] [--links 10000] [--seconds 5] [--out FILE]

Measured with Playwright in Debian's Chromium (WebGL through SwiftShader, the software
renderer, when there is no GPU — as on the project's machines), against two peers drawing the
same graph in the same run:

- **raw sigma**: the vendored renderer as its own demos use it (plain circles, no pictograms,
  no filters), the speed the product can at best reach;
- **naive SVG**: one ``<circle>`` per node and one ``<line>`` per link in an SVG, panned and
  zoomed by changing one ``transform`` — what a page without a graph renderer would do.

For each: time to first render (from the script's start to the first drawn frame; the
product's includes reading the graph from its API, served here by a local stub in the API's
shape), and frames per second while panning and zooming continuously with the whole graph on
screen (frames drawn ÷ seconds, and the 95th percentile of the time between frames). For the
product also the ForceAtlas2 layout (200 iterations in its worker) and the time to expand a
node (API call, adding 50 nodes and their links, redrawing), median of five. The graph is
synthetic and seeded (preferential attachment, so there are hubs, as in call records).
"""

import argparse
import json
import os
import random
import statistics
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "src/palermo/static"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
SCHEMATA = ["Person"] * 6 + ["Company", "BankAccount", "LegalEntity", "Address", "Event"]
ICONS = {
    "Person": "user",
    "Company": "factory",
    "BankAccount": "wallet",
    "LegalEntity": "landmark",
    "Address": "map-pin",
    "Event": "calendar",
}
STRING_KEYS = [
    "pick", "degree", "onChart", "evidence", "hops", "hopsN", "expand", "expanding", "expanded",
    "layoutRunning", "layoutDone", "computing", "noDates", "timelineSummary", "windowAll",
    "windowFromTo", "showing", "truncated", "needTitle", "saved", "notFound", "atLeast",
]  # fmt: skip
COLOURS = {
    "Person": "#0072B2",
    "Company": "#D55E00",
    "BankAccount": "#E69F00",
    "LegalEntity": "#CC79A7",
    "Address": "#56B4E9",
    "Event": "#9B1C1C",
}


def synthetic_graph(nodes: int, links: int, seed: int = 7) -> dict:
    """A graph in the shape of ``GET /api/analysis/investigations/{id}/graph``."""
    rng = random.Random(seed)
    items = []
    for i in range(nodes):
        schema = rng.choice(SCHEMATA)
        items.append(
            {
                "id": f"n{i}",
                "entity": i + 1,
                "type": schema,
                "caption": f"{schema} {i} (fictional)",
                "icon": ICONS[schema],
                "date": f"2024-{rng.randint(1, 12):02d}-01" if schema == "Event" else None,
                "degree": 0,
                "metrics": {},
            }
        )
    ends, found = [], []
    for i in range(1, nodes):  # a spanning tree with preferential attachment, then extra links
        target = rng.choice(ends) if ends and rng.random() < 0.7 else rng.randrange(i)
        found.append((i, target))
        ends += [i, target]
    while len(found) < links:
        found.append((rng.randrange(nodes), rng.choice(ends)))
    out = []
    degree = [set() for _ in range(nodes)]
    for k, (s, t) in enumerate(found):
        if s == t:
            continue
        degree[s].add(t)
        degree[t].add(s)
        kind = rng.choice(["Call", "Call", "Payment", "Ownership"])
        day = rng.randrange(365)
        out.append(
            {
                "id": str(k),
                "entity": nodes + k + 1,
                "source": f"n{s}",
                "target": f"n{t}",
                "type": kind,
                "weight": 1.0,
                "date": f"2024-{1 + day // 31:02d}-{1 + day % 28:02d}"
                if kind != "Ownership"
                else None,
                "end": None,
                "amount": 9000.0 if kind == "Payment" else None,
                "currency": "EUR" if kind == "Payment" else None,
            }
        )
    for i, item in enumerate(items):
        item["degree"] = len(degree[i])
    return {
        "nodes": items,
        "links": out,
        "truncated": False,
        "total_nodes": nodes,
        "total_links": len(out),
        "metrics": [],
        "sampled": False,
    }


def expansion(graph: dict, entity: int, count: int = 50) -> dict:
    seed = f"n{entity - 1}"
    nodes = [dict(n) for n in graph["nodes"] if n["id"] == seed]
    links = []
    for i in range(count):
        key = f"x{entity}-{i}"
        nodes.append(dict(nodes[0], id=key, entity=10_000_000 + entity * 100 + i, degree=1))
        links.append(dict(graph["links"][0], id=f"x{entity}-{i}", source=seed, target=key))
    return dict(graph, nodes=nodes, links=links, total_nodes=len(nodes), total_links=len(links))


PRODUCT_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Link chart bench</title>
<script src="/static/vendor/linkchart-lib.min.js" defer></script>
<script src="/static/palermo/linkchart.js" defer></script></head>
<body hx-headers='{{"X-CSRFToken": ""}}'>
<div id="linkchart" data-graph-url="/bench/graph" data-expand-url="/bench/expand/0"
  data-charts-url="/bench/charts" data-saved-url="/bench/charts/0/"
  data-entity-url="/bench/entities/0/" data-icon-base="/static/vendor/lucide/"
  data-layout-lib="/static/vendor/linkchart-layout.min.js" data-limit="{limit}">
 <div class="linkchart-toolbar">
  <fieldset>{types}</fieldset>
  <button data-layout="forceatlas2">fa2</button><button data-role="stop">stop</button>
  <select data-role="metric"><option value=""></option></select>
  <span data-role="threshold-label"></span><input type="range" data-role="threshold">
  <span data-role="window-label"></span>
  <input type="range" data-role="since" min="0" max="1000" value="0">
  <input type="range" data-role="until" min="0" max="1000" value="1000">
  <form data-role="find"><input data-role="query"></form>
  <button data-role="png">png</button><button data-role="svg">svg</button>
  <input data-role="title">
 </div>
 <p data-role="message"></p>
 <div data-role="body"><div data-role="canvas"></div><aside data-role="details"></aside></div>
 <p data-role="status"></p>
 <canvas data-role="timeline"></canvas><span data-role="timeline-summary"></span>
</div>
<script type="application/json" id="linkchart-strings">{strings}</script>
<script type="application/json" id="linkchart-config">{config}</script>
</body></html>"""

RAW_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<script src="/static/vendor/linkchart-lib.min.js"></script></head>
<body><div id="c"></div><script src="/bench/raw.js"></script></body></html>"""

RAW_JS = """
const t0 = performance.now();
const box = document.getElementById('c');
box.style.height = '70vh'; box.style.minHeight = '420px';
fetch('/bench/graph').then(r => r.json()).then(data => {
  const g = new LinkChartLib.Graph({multi: true});
  data.nodes.forEach(n => g.addNode(n.id, {x: Math.random(), y: Math.random(),
    size: 3 + Math.sqrt(n.degree), color: '#0072B2', label: n.caption}));
  data.links.forEach(l => g.addEdgeWithKey(l.id, l.source, l.target, {size: 1, color: '#b9b9b9'}));
  const r = new LinkChartLib.Sigma(g, box);  // draws its first frame before returning
  window.bench = {renderer: r, firstRender: performance.now() - t0};
});
"""

NAIVE_PAGE = """<!doctype html><html><head><meta charset="utf-8"></head>
<body><div id="c"></div><script src="/bench/naive.js"></script></body></html>"""

NAIVE_JS = """
const t0 = performance.now();
fetch('/bench/graph').then(r => r.json()).then(data => {
  const NS = 'http://www.w3.org/2000/svg', W = 896, H = 630;
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('width', W); svg.setAttribute('height', H);
  const g = document.createElementNS(NS, 'g');
  svg.appendChild(g);
  const pos = {};
  data.nodes.forEach(n => { pos[n.id] = [Math.random() * W, Math.random() * H, 3 + Math.sqrt(n.degree)]; });
  data.links.forEach(l => {
    const a = pos[l.source], b = pos[l.target], line = document.createElementNS(NS, 'line');
    line.setAttribute('x1', a[0]); line.setAttribute('y1', a[1]);
    line.setAttribute('x2', b[0]); line.setAttribute('y2', b[1]);
    line.setAttribute('stroke', '#b9b9b9'); g.appendChild(line);
  });
  data.nodes.forEach(n => {
    const p = pos[n.id], c = document.createElementNS(NS, 'circle');
    c.setAttribute('cx', p[0]); c.setAttribute('cy', p[1]); c.setAttribute('r', p[2]);
    c.setAttribute('fill', '#0072B2'); g.appendChild(c);
  });
  document.getElementById('c').appendChild(svg);
  requestAnimationFrame(() => requestAnimationFrame(() => {
    window.bench = {group: g, firstRender: performance.now() - t0};
  }));
});
"""

#: Pan in a circle and zoom in and out by ±20 % around the whole graph, one step a frame,
#: counting the frames the page actually draws.
MOTION_JS = """
async ([kind, seconds]) => {
  const frames = [];
  let drawn = 0;
  const renderer = kind === 'naive' ? null :
    (kind === 'raw' ? window.bench.renderer : window.palermoLinkChart.renderer);
  if (renderer) renderer.on('afterRender', () => { drawn++; frames.push(performance.now()); });
  const start = performance.now();
  await new Promise(resolve => {
    function step(now) {
      const t = (now - start) / 1000;
      const ratio = 1 + 0.2 * Math.sin(t * 2.1);
      const x = 0.5 + 0.05 * Math.cos(t * 1.3), y = 0.5 + 0.05 * Math.sin(t * 1.3);
      if (renderer) {
        renderer.getCamera().setState({x, y, ratio, angle: 0});
      } else {
        const g = window.bench.group;
        g.setAttribute('transform', `translate(${(x - 0.5) * 896} ${(y - 0.5) * 630}) scale(${1 / ratio})`);
        g.getBoundingClientRect();
        drawn++; frames.push(now);
      }
      if (now - start < seconds * 1000) requestAnimationFrame(step); else resolve();
    }
    requestAnimationFrame(step);
  });
  const elapsed = (performance.now() - start) / 1000;
  const gaps = frames.slice(1).map((f, i) => f - frames[i]).sort((a, b) => a - b);
  const p95 = gaps.length ? gaps[Math.floor(gaps.length * 0.95)] : null;
  return {fps: drawn / elapsed, p95_ms: p95};
}
"""

VISIBLE_JS = """
() => { const c = window.palermoLinkChart, r = c.renderer, d = r.getDimensions(); let n = 0;
  c.graph.forEachNode(k => { const p = r.graphToViewport(r.getNodeDisplayData(k));
    if (p.x >= 0 && p.y >= 0 && p.x <= d.width && p.y <= d.height) n++; }); return n; }
"""


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'"
)


class Handler(SimpleHTTPRequestHandler):
    graph: dict = {}
    pages: dict = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urlparse(self.path)
        if url.path in self.pages:
            body, kind = self.pages[url.path]
            return self._send(body.encode(), kind)
        if url.path == "/bench/graph":
            return self._send(json.dumps(self.graph).encode(), "application/json")
        if url.path.startswith("/bench/expand/"):
            entity = int(url.path.rsplit("/", 1)[1])
            hops = parse_qs(url.query).get("hops", ["1"])[0]
            assert hops == "1"
            return self._send(
                json.dumps(expansion(self.graph, entity)).encode(), "application/json"
            )
        return super().do_GET()

    def end_headers(self):
        # The site's Content Security Policy (settings.py), so the bench also proves the page
        # needs nothing it forbids.
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def _send(self, body: bytes, kind: str):
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(graph: dict, limit: int) -> ThreadingHTTPServer:
    #: The page's words are their own keys here (the Django view translates them).
    strings = dict.fromkeys(STRING_KEYS)
    strings = {key: key for key in strings}
    config = {
        "investigation": 1,
        "chart": None,
        "canSave": False,
        "colours": COLOURS,
        "icons": ICONS,
        "unknownIcon": "circle-help",
        "metricLabels": {"degree": "Degree"},
    }
    types = "".join(
        f'<label><input type="checkbox" data-role="type" value="{s}" checked>{s}</label>'
        for s in [*COLOURS, "Call", "Payment", "Ownership"]
    )
    Handler.graph = graph
    Handler.pages = {
        "/bench/chart.html": (
            PRODUCT_PAGE.format(
                limit=limit, types=types, strings=json.dumps(strings), config=json.dumps(config)
            ),
            "text/html",
        ),
        "/bench/raw.html": (RAW_PAGE, "text/html"),
        "/bench/raw.js": (RAW_JS, "text/javascript"),
        "/bench/naive.html": (NAIVE_PAGE, "text/html"),
        "/bench/naive.js": (NAIVE_JS, "text/javascript"),
    }
    handler = partial(Handler, directory=str(ROOT / "src/palermo"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _report_error(kind: str, exc) -> None:
    print(f"{kind}: {exc}", file=sys.stderr)


def measure(nodes: int, links: int, seconds: float) -> dict:
    from playwright.sync_api import sync_playwright

    graph = synthetic_graph(nodes, links)
    server = serve(graph, limit=nodes)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    results: dict = {"nodes": nodes, "links": len(graph["links"]), "load": os.getloadavg()[0]}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.on("pageerror", partial(_report_error, "product"))
        page.on(
            "console",
            lambda msg: _report_error("product", msg.text) if msg.type == "error" else None,
        )
        results["gpu"] = page.evaluate(
            """() => { const gl = document.createElement('canvas').getContext('webgl2');
            const i = gl && gl.getExtension('WEBGL_debug_renderer_info');
            return i ? gl.getParameter(i.UNMASKED_RENDERER_WEBGL) : 'unknown'; }"""
        )
        # The product: the page's own script, its renderer settings and reducers.
        page.goto(f"{base}/bench/chart.html")
        page.wait_for_function("() => window.palermoLinkChart && window.palermoLinkChart.renderer")
        page.evaluate("async () => { await window.palermoLinkChart.ready; }")
        page.wait_for_function("() => window.palermoLinkChart.timings.firstRender > 0")
        product = {
            "first_render_ms": page.evaluate("() => window.palermoLinkChart.timings.firstRender")
        }
        product["layout_ms"] = page.evaluate(
            """async () => { await window.palermoLinkChart.applyLayout('forceatlas2');
            return window.palermoLinkChart.timings.layout; }"""
        )
        page.evaluate(
            "() => window.palermoLinkChart.renderer.getCamera().setState({x: .5, y: .5, ratio: 1, angle: 0})"
        )
        product["on_screen"] = page.evaluate(VISIBLE_JS)
        product.update(page.evaluate(MOTION_JS, ["product", seconds]))
        expands = []
        for entity in (1, 2, 3, 4, 5):
            page.evaluate(f"() => window.palermoLinkChart.expand('n{entity - 1}', 1)")
            expands.append(page.evaluate("() => window.palermoLinkChart.timings.expand"))
        product["expand_ms"] = statistics.median(expands)
        product["errors"] = []
        results["product"] = product

        for kind in ("raw", "naive"):
            page = context.new_page()
            page.on("pageerror", partial(_report_error, kind))
            page.goto(f"{base}/bench/{kind}.html")
            page.wait_for_function(
                "() => window.bench && window.bench.firstRender > 0", timeout=120_000
            )
            peer = {"first_render_ms": page.evaluate("() => window.bench.firstRender")}
            peer.update(page.evaluate(MOTION_JS, [kind, seconds]))
            results[kind] = peer
        browser.close()
    server.shutdown()
    return results


def report(r: dict) -> str:
    p, raw, naive = r["product"], r["raw"], r["naive"]

    def ratio(a, b):
        return f"{a / b:.2f}×" if b else "n/a"

    lines = [
        "## Link chart in the browser (`bench/linkchart_bench.py`)",
        "",
        f"{r['nodes']:,} nodes and {r['links']:,} links, all on screen "
        f"({p['on_screen']:,} nodes in the viewport), headless Chromium, WebGL on "
        f"`{r['gpu']}`; {os.cpu_count()} cores, load average {r['load']:.1f} at the start.",
        "",
        "| | first render | frames/s while panning and zooming | 95th pct. frame gap |",
        "|---|---:|---:|---:|",
        f"| Palermo link chart (sigma.js + pictograms, filters) | {p['first_render_ms']:,.0f} ms "
        f"| {p['fps']:.1f} | {p['p95_ms']:.1f} ms |",
        f"| raw sigma.js (its demo settings) | {raw['first_render_ms']:,.0f} ms | {raw['fps']:.1f} "
        f"| {raw['p95_ms']:.1f} ms |",
        f"| naive SVG (one element per node and link) | {naive['first_render_ms']:,.0f} ms "
        f"| {naive['fps']:.1f} | {naive['p95_ms']:.1f} ms |",
        "",
        f"- Palermo ÷ raw sigma: {ratio(p['fps'], raw['fps'])} the frame rate; Palermo ÷ naive "
        f"SVG: {ratio(p['fps'], naive['fps'])} the frame rate.",
        f"- ForceAtlas2, 200 iterations in the worker: {p['layout_ms']:,.0f} ms (the page stays "
        "interactive meanwhile).",
        f"- Expanding a node (API answer with 50 new nodes, added and redrawn): median "
        f"{p['expand_ms']:.0f} ms of five.",
        "- First render counts from the script's start and includes reading the graph (a local "
        "stub in the API's shape) and building it; the layout runs after.",
    ]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--links", type=int, default=10000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--out", type=Path, help="also write the Markdown report here")
    parser.add_argument(
        "--write", action="store_true", help="put the report in docs/benchmarks.md (its section)"
    )
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    args = parser.parse_args(argv)
    results = measure(args.nodes, args.links, args.seconds)
    text = json.dumps(results, indent=2) if args.json else report(results)
    print(text)
    if args.out:
        args.out.write_text(report(results), encoding="utf-8")
    if args.write:
        root = Path(__file__).resolve().parent.parent
        sys.path.insert(0, str(root / "bench"))
        from benchlib import write_section

        begin, end = "<!-- bench:linkchart -->", "<!-- /bench:linkchart -->"
        write_section(
            root / "docs" / "benchmarks.md", begin, end, f"{begin}\n{report(results)}{end}\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
