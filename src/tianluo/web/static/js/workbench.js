// Tianluo workbench: glue between the pages and the libraries served from /static/vendor.
// Charts: an element with data-chart="<url of JSON ECharts options>" or a <script
// type="application/json"> child is drawn by ECharts; data-map="china|nanning" registers
// the shipped boundaries first. Graphs: data-graph="<url>" is drawn by Cytoscape.js.
(function () {
  "use strict";

  function cookie(name) {
    const found = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
    return found ? decodeURIComponent(found.split("=")[1]) : "";
  }

  // htmx requests carry the CSRF value; errors (4xx/5xx) are swapped too (into #flash).
  document.addEventListener("htmx:configRequest", (event) => {
    event.detail.headers["X-CSRF-Token"] = cookie("tianluo_csrf");
  });
  document.addEventListener("DOMContentLoaded", () => {
    if (window.htmx) {
      htmx.config.responseHandling = [
        { code: "204", swap: false },
        { code: "[23]..", swap: true },
        { code: "[45]..", swap: true, error: true },
      ];
    }
  });

  const MAPS = { china: "/geo/china_provinces.geojson", nanning: "/geo/nanning_districts.geojson" };
  const registered = {};

  async function ensureMap(name) {
    if (!name || registered[name]) return;
    const response = await fetch(MAPS[name]);
    window.echarts.registerMap(name, await response.json());
    registered[name] = true;
  }

  async function optionsOf(element) {
    const inline = element.querySelector('script[type="application/json"]');
    if (inline) return JSON.parse(inline.textContent);
    const response = await fetch(element.dataset.chart, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(element.dataset.chart + ": " + response.status);
    return response.json();
  }

  // JSON carries no functions: a custom series with renderItem "polygon" draws each data
  // item's `coords` ([[x, y], ...] in the series' coordinate system) as a filled polygon.
  function polygons(series) {
    return (params, api) => ({
      type: "polygon",
      shape: { points: series.data[params.dataIndex].coords.map((c) => api.coord(c)) },
      style: { fill: api.visual("color"), stroke: "#ffffff", lineWidth: 0.5, opacity: 0.8 },
    });
  }

  function withRenderers(options) {
    [].concat(options.series || []).forEach((series) => {
      if (series.renderItem === "polygon") series.renderItem = polygons(series);
    });
    return options;
  }

  async function drawChart(element) {
    if (!window.echarts || element.dataset.drawn) return;
    element.dataset.drawn = "1";
    try {
      await ensureMap(element.dataset.map);
      // Read inline options before init: ECharts empties the element it draws in.
      const options = withRenderers(await optionsOf(element));
      const chart = window.echarts.init(element, null, { renderer: "canvas" });
      chart.setOption(options);
      new ResizeObserver(() => chart.resize()).observe(element);
      element.dataset.ready = "1";
      if (element.dataset.onclick) {
        chart.on("click", (params) => {
          const target = params.data && params.data.href;
          if (target) window.location.href = target;
        });
      }
    } catch (error) {
      element.textContent = String(error);
      element.classList.add("error");
    }
  }

  async function drawGraph(element) {
    if (!window.cytoscape || element.dataset.drawn) return;
    element.dataset.drawn = "1";
    const inline = element.querySelector('script[type="application/json"]');
    const spec = inline ? JSON.parse(inline.textContent) : await (await fetch(element.dataset.graph)).json();
    const graph = window.cytoscape({
      container: element,
      elements: spec.elements,
      style: spec.style || [],
      layout: spec.layout || { name: "breadthfirst", directed: true, spacingFactor: 1.1 },
      wheelSensitivity: 0.2,
    });
    graph.on("tap", "node", (event) => {
      const href = event.target.data("href");
      if (href) window.location.href = href;
    });
    element.dataset.ready = "1";
    window.tianluoGraphs = window.tianluoGraphs || {};
    window.tianluoGraphs[element.id || "graph"] = graph;
  }

  function drawAll(root) {
    root.querySelectorAll("[data-chart]").forEach(drawChart);
    root.querySelectorAll("[data-graph]").forEach(drawGraph);
  }

  document.addEventListener("DOMContentLoaded", () => drawAll(document));
  document.addEventListener("htmx:afterSettle", (event) => drawAll(event.target));
})();
