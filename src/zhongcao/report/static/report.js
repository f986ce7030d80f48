/* The report's script (inlined into report.html; the dashboard reuses it).
 * Draws every chart with ECharts (SVG renderer: crisp in print, inspectable in tests) from the
 * chart specs embedded in #zc-data, and switches the language on the client: both languages are
 * in the page, CSS shows one. No strings here: labels come from the page or the findings. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("zc-data").textContent);
  var PALETTE = ["#c8102e", "#1d5fc9", "#b45309", "#15803d", "#7c3aed", "#475569", "#0e7490", "#be185d"];
  var instances = {};

  function lang() { return document.documentElement.getAttribute("data-lang") || "zh"; }

  function short(v) {
    if (v === null || v === undefined || isNaN(v)) { return "—"; }
    var a = Math.abs(v);
    if (lang() === "zh") {
      if (a >= 1e8) { return (v / 1e8).toFixed(2) + "亿"; }
      if (a >= 1e4) { return (v / 1e4).toFixed(1) + "万"; }
    } else {
      if (a >= 1e9) { return (v / 1e9).toFixed(2) + "B"; }
      if (a >= 1e6) { return (v / 1e6).toFixed(2) + "M"; }
      if (a >= 1e4) { return (v / 1e3).toFixed(1) + "K"; }
    }
    if (a > 0 && a < 1) { return v.toFixed(3); }
    return a < 100 ? (Math.round(v * 100) / 100).toString() : Math.round(v).toLocaleString();
  }

  // Tooltips are HTML: every text that came from the data (a creator's name, a province) is escaped.
  function esc(v) { return String(v === null || v === undefined ? "" : v).replace(/[&<>"'`]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;", "`": "&#96;" }[c]; }); }

  function col(rows, name) { return rows.map(function (r) { return r[name]; }); }
  function uniq(values) { return values.filter(function (v, i) { return values.indexOf(v) === i; }); }

  function base(spec) {
    return {
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif" },
      title: { text: spec.title[lang()], left: 0, textStyle: { fontSize: 13, fontWeight: "normal", color: "#1f2329" } },
      tooltip: { trigger: "axis", valueFormatter: short, confine: true },
      grid: { left: 64, right: 64, top: 48, bottom: 40 }
    };
  }

  function errorBars(spec, y, xs) {
    var pair = spec.bands[y];
    var points = spec.rows.map(function (r, i) { return [i, r[pair[0]], r[pair[1]]]; });
    return {
      type: "custom", name: y + " interval", silent: true, z: 10, data: points,
      renderItem: function (params, api) {
        var lo = api.coord([api.value(0), api.value(1)]);
        var hi = api.coord([api.value(0), api.value(2)]);
        var w = api.size([1, 0])[0] * 0.12;
        var style = { stroke: "#1f2329", lineWidth: 1.5 };
        return { type: "group", children: [
          { type: "line", shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style: style },
          { type: "line", shape: { x1: lo[0] - w, y1: lo[1], x2: lo[0] + w, y2: lo[1] }, style: style },
          { type: "line", shape: { x1: hi[0] - w, y1: hi[1], x2: hi[0] + w, y2: hi[1] }, style: style }
        ] };
      },
      encode: { x: 0, y: [1, 2] }
    };
  }

  function bar(spec) {
    var o = base(spec), xs = col(spec.rows, spec.x).map(String);
    o.legend = { top: 22, right: 0, data: spec.y };
    o.xAxis = { type: "category", data: xs, axisLabel: { interval: 0, rotate: xs.length > 8 ? 35 : 0 } };
    o.yAxis = { type: "value", axisLabel: { formatter: short } };
    o.grid.bottom = xs.length > 8 ? 80 : 40;
    o.series = spec.y.map(function (y) {
      return { type: "bar", name: y, data: col(spec.rows, y), label: { show: spec.y.length === 1 && xs.length <= 12, position: "top", formatter: function (p) { return short(p.value); } } };
    });
    spec.y.forEach(function (y) { if (spec.bands[y]) { o.series.push(errorBars(spec, y, xs)); } });
    return o;
  }

  function line(spec) {
    var o = base(spec), xs = col(spec.rows, spec.x).map(String);
    o.legend = { top: 22, right: 0, data: spec.y };
    o.xAxis = { type: "category", data: xs, boundaryGap: false };
    o.yAxis = spec.y.slice(0, 2).map(function () { return { type: "value", axisLabel: { formatter: short }, splitLine: { show: true } }; });
    o.dataZoom = xs.length > 120 ? [{ type: "inside" }] : [];
    o.series = [];
    spec.y.forEach(function (y, k) {
      var axis = Math.min(k, 1);
      var pair = spec.bands[y];
      if (pair) {
        o.series.push({ type: "line", name: y + " low", stack: "band-" + y, yAxisIndex: axis, symbol: "none", lineStyle: { opacity: 0 }, data: col(spec.rows, pair[0]), tooltip: { show: false } });
        o.series.push({ type: "line", name: y + " interval", stack: "band-" + y, yAxisIndex: axis, symbol: "none", lineStyle: { opacity: 0 },
          areaStyle: { color: PALETTE[k], opacity: 0.18 },
          data: spec.rows.map(function (r) { return r[pair[1]] === null || r[pair[0]] === null ? null : r[pair[1]] - r[pair[0]]; }) });
      }
      o.series.push({ type: "line", name: y, yAxisIndex: axis, showSymbol: xs.length < 40, sampling: "lttb", data: col(spec.rows, y), color: PALETTE[k] });
    });
    return o;
  }

  function funnel(spec) {
    var o = base(spec);
    o.tooltip = { trigger: "item", valueFormatter: short };
    o.series = [{ type: "funnel", sort: "none", top: 40, bottom: 10, left: "10%", width: "80%", minSize: "8%",
      label: { show: true, position: "inside", color: "#fff", formatter: function (p) { return p.name + " " + short(p.value); } },
      data: spec.rows.map(function (r) { return { name: String(r[spec.x]), value: r[spec.y[0]] }; }) }];
    return o;
  }

  function heatmap(spec) {
    var o = base(spec), xs = uniq(col(spec.rows, spec.x).map(String)), ys = uniq(col(spec.rows, spec.y[0]).map(String));
    var values = col(spec.rows, spec.y[1]).filter(function (v) { return v !== null; });
    o.tooltip = { trigger: "item", valueFormatter: short };
    o.grid.bottom = 70;
    o.xAxis = { type: "category", data: xs, axisLabel: { rotate: xs.length > 8 ? 35 : 0 } };
    o.yAxis = { type: "category", data: ys };
    o.visualMap = { min: Math.min.apply(null, values.concat([0])), max: Math.max.apply(null, values.concat([1])), orient: "horizontal", left: "center", bottom: 0, itemHeight: 120, inRange: { color: ["#fdf3f4", "#c8102e"] } };
    o.series = [{ type: "heatmap", name: spec.y[1], data: spec.rows.map(function (r) { return [xs.indexOf(String(r[spec.x])), ys.indexOf(String(r[spec.y[0]])), r[spec.y[1]]]; }) }];
    return o;
  }

  function tileMap(spec) {
    // A tile-grid map of China: one square per province at its (row, col), coloured by value.
    var o = base(spec), tiles = data.tiles || {}, values = {}, rows = 0, cols = 0, name;
    spec.rows.forEach(function (r) { values[r[spec.x]] = r[spec.y[0]]; });
    var known = [], missing = [];
    for (name in tiles) {
      var t = tiles[name]; rows = Math.max(rows, t.row); cols = Math.max(cols, t.col);
      var label = lang() === "zh" ? name : t.en;
      if (values[name] === undefined || values[name] === null) { missing.push([t.col, t.row, null, label]); }
      else { known.push([t.col, t.row, values[name], label]); }
    }
    var vals = known.map(function (k) { return k[2]; });
    o.tooltip = { trigger: "item", formatter: function (p) { return esc(p.value[3]) + ": " + esc(short(p.value[2])); } };
    o.grid = { left: 10, right: 10, top: 40, bottom: 50 };
    o.xAxis = { type: "value", min: -0.5, max: cols + 0.5, show: false };
    o.yAxis = { type: "value", min: -0.5, max: rows + 0.5, inverse: true, show: false };
    o.visualMap = { seriesIndex: 0, dimension: 2, min: Math.min.apply(null, vals.concat([0])), max: Math.max.apply(null, vals.concat([1])), orient: "horizontal", left: "center", bottom: 0, itemHeight: 120, inRange: { color: ["#dbe7fb", "#1d5fc9"] } };
    var labelStyle = { show: true, formatter: function (p) { return p.value[3]; }, fontSize: lang() === "zh" ? 11 : 8 };
    o.series = [
      { type: "scatter", name: spec.y[0], symbol: "rect", symbolSize: 36, data: known, label: Object.assign({ color: "#1f2329" }, labelStyle) },
      { type: "scatter", name: "—", symbol: "rect", symbolSize: 36, itemStyle: { color: "#eceef1" }, data: missing, label: Object.assign({ color: "#545b66" }, labelStyle), tooltip: { show: false } }
    ];
    return o;
  }

  function sankey(spec) {
    var o = base(spec), names = uniq(col(spec.rows, spec.x).map(String).concat(col(spec.rows, spec.y[0]).map(String)));
    o.tooltip = { trigger: "item", valueFormatter: short };
    o.series = [{ type: "sankey", top: 40, left: 10, right: 90, emphasis: { focus: "adjacency" },
      data: names.map(function (n) { return { name: n }; }),
      links: spec.rows.map(function (r) { return { source: String(r[spec.x]), target: String(r[spec.y[0]]), value: r[spec.y[1]] }; }),
      lineStyle: { color: "gradient", opacity: 0.4 } }];
    return o;
  }

  function scatter(spec) {
    var o = base(spec), label = spec.y[1];
    o.tooltip = { trigger: "item", formatter: function (p) { return (label ? esc(p.value[2]) + ": " : "") + esc(short(p.value[0])) + ", " + esc(short(p.value[1])); } };
    o.xAxis = { type: "value", name: spec.x, nameLocation: "middle", nameGap: 26, axisLabel: { formatter: short } };
    o.yAxis = { type: "value", name: spec.y[0], axisLabel: { formatter: short } };
    o.series = [{ type: "scatter", symbolSize: 9, name: spec.y[0], data: spec.rows.map(function (r) { return [r[spec.x], r[spec.y[0]], label ? r[label] : ""]; }) }];
    return o;
  }

  var KINDS = { bar: bar, line: line, funnel: funnel, heatmap: heatmap, map: tileMap, sankey: sankey, scatter: scatter };

  function option(spec) { return (KINDS[spec.kind] || bar)(spec); }

  function render(el, spec) {
    if (!window.echarts || !spec) { return; }
    el.setAttribute("data-kind", spec.kind);
    var chart = instances[el.id || spec.id] || echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option(spec), true);
    instances[el.id || spec.id] = chart;
    return chart;
  }

  function drawAll() {
    var els = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < els.length; i++) { render(els[i], data.charts[els[i].getAttribute("data-chart")]); }
  }

  function setLang(code) {
    var root = document.documentElement;
    root.setAttribute("data-lang", code);
    root.setAttribute("lang", code === "zh" ? "zh-CN" : "en");
    ["aria-label", "title", "label"].forEach(function (name) {
      var els = document.querySelectorAll("[data-" + name + "-" + code + "]");
      for (var i = 0; i < els.length; i++) { els[i].setAttribute(name, els[i].getAttribute("data-" + name + "-" + code)); }
    });
    var title = document.querySelector("title");
    if (title && title.getAttribute("data-title-" + code)) { title.textContent = title.getAttribute("data-title-" + code); }
    drawAll();
    document.dispatchEvent(new CustomEvent("zhongcao:lang", { detail: code }));
  }

  var toggle = document.getElementById("lang-toggle");
  if (toggle) { toggle.addEventListener("click", function () { setLang(lang() === "zh" ? "en" : "zh"); }); }
  window.addEventListener("resize", function () { for (var k in instances) { instances[k].resize(); } });
  window.addEventListener("beforeprint", function () {
    var ds = document.querySelectorAll("details"); for (var i = 0; i < ds.length; i++) { ds[i].open = true; }
    for (var k in instances) { instances[k].resize(); }
  });
  window.zhongcao = { render: render, drawAll: drawAll, setLang: setLang, lang: lang, short: short, esc: esc, data: data };
  drawAll();
})();
