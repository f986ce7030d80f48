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
  function pick(text) { return text && typeof text === "object" ? (text[lang()] || text.zh || "") : (text === undefined || text === null ? "" : String(text)); }
  function label(spec, col) { return spec.names && spec.names[col] ? pick(spec.names[col]) : col; }
  function cat(spec, raw) { var k = String(raw); return spec.cats && spec.cats[k] ? pick(spec.cats[k]) : k; }
  function kindOf(spec, col) { return (spec.kinds && spec.kinds[col]) || "number"; }
  function fmt(v, kind) {
    if (v === null || v === undefined || (typeof v === "number" && isNaN(v))) { return ""; }
    if (typeof v !== "number") { return String(v); }
    if (kind === "money") { return "¥" + short(v); }
    if (kind === "pct") { return (v * 100).toFixed(1) + "%"; }
    if (kind === "count") { return Math.round(v).toLocaleString(); }
    if (kind === "ratio") { return v.toFixed(2); }
    return short(v);
  }
  function axisFmt(kind) { return function (v) { return kind === "pct" ? Math.round(v * 100) + "%" : short(v); }; }
  function fill(text, values) { return text.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; }); }
  function tip(spec, yCol) {
    var kind = kindOf(spec, yCol);
    return function (params) {
      var list = Array.isArray(params) ? params : [params];
      var head = list.length ? esc(list[0].axisValueLabel || list[0].name || "") : "";
      return head + list.filter(function (p) { return p.seriesType !== "custom" && p.value !== null && p.value !== undefined && !/^_/.test(p.seriesName || ""); })
        .map(function (p) { var v = Array.isArray(p.value) ? p.value[p.value.length - 1] : p.value; return "<br>" + p.marker + esc(p.seriesName) + ": " + esc(fmt(v, kind)); }).join("");
    };
  }

  function base(spec) {
    var sub = spec.more ? fill((data.labels && data.labels[lang()] ? data.labels[lang()].more_bars : "+{n}"), { n: spec.more }) : (spec.note ? pick(spec.note) : "");
    return {
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif" },
      title: { text: pick(spec.title), subtext: sub, left: 0, textStyle: { fontSize: 13, fontWeight: "normal", color: "#1f2329" }, subtextStyle: { fontSize: 11, color: "#545b66" } },
      tooltip: { trigger: "axis", formatter: tip(spec, spec.y[0]), confine: true },
      grid: { left: 72, right: 40, top: sub ? 70 : 56, bottom: 48, containLabel: true }
    };
  }

  // Legends sit under the chart, clear of the title and of the axis names.
  function legend(names) { return { bottom: 0, left: "center", type: "scroll", data: names }; }

  function errorBars(spec, y, horizontal, rows) {
    var pair = spec.bands[y];
    var points = rows.map(function (r, i) { return [i, r[pair[0]], r[pair[1]]]; });
    return {
      type: "custom", name: "_interval", silent: true, z: 10, data: points, tooltip: { show: false },
      renderItem: function (params, api) {
        var lo = horizontal ? api.coord([api.value(1), api.value(0)]) : api.coord([api.value(0), api.value(1)]);
        var hi = horizontal ? api.coord([api.value(2), api.value(0)]) : api.coord([api.value(0), api.value(2)]);
        var w = (horizontal ? api.size([0, 1])[1] : api.size([1, 0])[0]) * 0.15;
        var style = { stroke: "#1f2329", lineWidth: 1.5 };
        var caps = horizontal
          ? [{ type: "line", shape: { x1: lo[0], y1: lo[1] - w, x2: lo[0], y2: lo[1] + w }, style: style },
             { type: "line", shape: { x1: hi[0], y1: hi[1] - w, x2: hi[0], y2: hi[1] + w }, style: style }]
          : [{ type: "line", shape: { x1: lo[0] - w, y1: lo[1], x2: lo[0] + w, y2: lo[1] }, style: style },
             { type: "line", shape: { x1: hi[0] - w, y1: hi[1], x2: hi[0] + w, y2: hi[1] }, style: style }];
        return { type: "group", children: [{ type: "line", shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style: style }].concat(caps) };
      },
      encode: horizontal ? { y: 0, x: [1, 2] } : { x: 0, y: [1, 2] }
    };
  }

  // Bars: one series per y column, or per value of spec.series (grouped, with a legend); many or
  // long categories are drawn horizontally, ranked; spec.facet draws one small chart per value.
  function bar(spec) {
    if (spec.facet) { return facets(spec, barPanel); }
    var o = base(spec);
    var panel = barPanel(spec, spec.rows, 0);
    o.xAxis = panel.xAxis; o.yAxis = panel.yAxis; o.series = panel.series;
    if (panel.names.length > 1) { o.legend = legend(panel.names); o.grid.bottom += 28; }
    return o;
  }

  function barPanel(spec, rows, g) {
    var xs = uniq(rows.map(function (r) { return String(r._x); }));
    var cats = xs.map(function (x) { return cat(spec, x); });
    var longest = Math.max.apply(null, cats.map(function (c) { return c.length; }).concat([0]));
    var horizontal = xs.length > 8 || longest > 8;
    var yCol = spec.y[0], kind = kindOf(spec, yCol);
    var series = [], names = [];
    if (spec.series) {
      uniq(rows.map(function (r) { return String(r[spec.series]); })).forEach(function (sv) {
        var byX = {};
        rows.forEach(function (r) { if (String(r[spec.series]) === sv) { byX[String(r._x)] = r[yCol]; } });
        names.push(cat(spec, sv));
        series.push({ type: "bar", name: cat(spec, sv), xAxisIndex: g, yAxisIndex: g, data: xs.map(function (x) { return byX[x] === undefined ? null : byX[x]; }) });
      });
    } else {
      spec.y.forEach(function (y) {
        names.push(label(spec, y));
        series.push({ type: "bar", name: label(spec, y), xAxisIndex: g, yAxisIndex: g, stack: spec.stack ? "all" : undefined,
          data: xs.map(function (x) { var r = rows.filter(function (q) { return String(q._x) === x; })[0]; return r ? r[y] : null; }),
          label: { show: spec.y.length === 1 && xs.length <= 12 && !spec.facet, position: horizontal ? "right" : "top", formatter: function (p) { return fmt(p.value, kindOf(spec, y)); } } });
      });
      if (spec.y.length === 1 && spec.bands[yCol] && !spec.stack) {
        var ordered = xs.map(function (x) { return rows.filter(function (q) { return String(q._x) === x; })[0]; });
        var eb = errorBars(spec, yCol, horizontal, ordered); eb.xAxisIndex = g; eb.yAxisIndex = g; series.push(eb);
      }
    }
    var catAxis = { type: "category", gridIndex: g, data: cats, name: pick(spec.axis && spec.axis.x), nameLocation: "middle", nameGap: horizontal ? 0 : 30,
      axisLabel: { interval: 0, rotate: !horizontal && xs.length > 5 ? 30 : 0, width: 120, overflow: "truncate" }, inverse: horizontal };
    if (!horizontal && xs.length > 5) { catAxis.nameGap = 64; }
    if (horizontal) { catAxis.name = ""; }
    var valAxis = { type: "value", gridIndex: g, name: pick(spec.axis && spec.axis.y), nameLocation: "middle", nameGap: horizontal ? 26 : 58, axisLabel: { formatter: axisFmt(kind) } };
    return { xAxis: horizontal ? valAxis : catAxis, yAxis: horizontal ? catAxis : valAxis, series: series, names: names, horizontal: horizontal, n: xs.length };
  }

  // Small multiples: one panel per value of spec.facet, stacked vertically, each with its own title.
  function facets(spec, panelOf) {
    var o = base(spec);
    var values = uniq(spec.rows.map(function (r) { return String(r[spec.facet]); }));
    var top = o.grid.top, gap = 36, xAxes = [], yAxes = [], series = [], grids = [], titles = [o.title], names = [];
    values.forEach(function (fv, g) {
      var rows = spec.rows.filter(function (r) { return String(r[spec.facet]) === fv; });
      var p = panelOf(spec, rows, g);
      var h = p.horizontal ? Math.max(90, p.n * 20) : 170;
      grids.push({ left: 72, right: 40, top: top + 22, height: h, containLabel: true });
      titles.push({ text: cat(spec, fv), top: top, left: 8, textStyle: { fontSize: 12, fontWeight: "bold", color: "#3a3f47" } });
      top += 22 + h + gap + (p.horizontal ? 10 : 30);
      xAxes.push(p.xAxis); yAxes.push(p.yAxis); series = series.concat(p.series);
      p.names.forEach(function (n) { if (names.indexOf(n) < 0) { names.push(n); } });
    });
    o.title = titles; o.grid = grids; o.xAxis = xAxes; o.yAxis = yAxes; o.series = series;
    if (names.length > 1) { o.legend = legend(names); top += 24; }
    o._height = top + 10;
    return o;
  }

  // Lines: one per y column, or one per value of spec.series (one line per platform); a numeric x
  // (spend) is a value axis, and spec.marks are drawn as labelled vertical lines (today's, planned).
  function line(spec) {
    if (spec.facet) { return facets(spec, linePanel); }
    var o = base(spec), p = linePanel(spec, spec.rows, 0);
    o.xAxis = p.xAxis; o.yAxis = p.yAxis; o.series = p.series;
    o.dataZoom = p.n > 120 ? [{ type: "inside" }] : [];
    if (p.names.length > 1) { o.legend = legend(p.names); o.grid.bottom += 28; }
    return o;
  }

  function linePanel(spec, rows, g) {
    var numeric = ["money", "count", "ratio", "number", "pct"].indexOf(kindOf(spec, spec.x)) >= 0 && typeof rows[0]._x === "number";
    var xs = numeric ? [] : uniq(rows.map(function (r) { return String(r._x); })).sort();
    var series = [], names = [], yAxes = [];
    function points(subset, y) {
      if (numeric) { return subset.map(function (r) { return [r._x, r[y]]; }); }
      var byX = {}; subset.forEach(function (r) { byX[String(r._x)] = r[y]; });
      return xs.map(function (x) { return byX[x] === undefined ? null : byX[x]; });
    }
    var groups = spec.series ? uniq(rows.map(function (r) { return String(r[spec.series]); })) : [null];
    var ys = spec.series ? [spec.y[0]] : spec.y;
    // Measures of one kind share one axis (actual vs predicted must be read on the same scale);
    // two kinds (sales and orders) get one axis each.
    var shared = ys.every(function (y) { return kindOf(spec, y) === kindOf(spec, ys[0]); });
    (shared ? ys.slice(0, 1) : ys.slice(0, 2)).forEach(function (y, k) {
      var name = shared && ys.length > 1 ? pick(spec.axis && spec.axis.y) : label(spec, y);
      yAxes.push({ type: "value", gridIndex: g, name: name, nameTextStyle: { align: k ? "right" : "left" }, axisLabel: { formatter: axisFmt(kindOf(spec, y)) }, splitLine: { show: k === 0 } });
    });
    var c = 0;
    groups.forEach(function (gv) {
      var subset = gv === null ? rows : rows.filter(function (r) { return String(r[spec.series]) === gv; });
      ys.forEach(function (y, k) {
        var name = gv === null ? label(spec, y) : cat(spec, gv);
        var colour = PALETTE[c++ % PALETTE.length];
        var pair = spec.bands[y];
        if (pair && !numeric && groups.length === 1) {
          series.push({ type: "line", name: "_low", stack: "band-" + y + g, xAxisIndex: g, yAxisIndex: shared ? 0 : Math.min(k, 1), symbol: "none", lineStyle: { opacity: 0 }, data: points(subset, pair[0]), tooltip: { show: false } });
          series.push({ type: "line", name: "_interval", stack: "band-" + y + g, xAxisIndex: g, yAxisIndex: shared ? 0 : Math.min(k, 1), symbol: "none", lineStyle: { opacity: 0 }, areaStyle: { color: colour, opacity: 0.18 },
            data: subset.length ? points(subset, pair[1]).map(function (hi, i) { var lo = points(subset, pair[0])[i]; return hi === null || lo === null ? null : hi - lo; }) : [], tooltip: { show: false } });
        }
        var s = { type: "line", name: name, xAxisIndex: g, yAxisIndex: shared ? 0 : Math.min(k, 1), showSymbol: (numeric ? subset.length : xs.length) < 40, sampling: "lttb", connectNulls: false, data: points(subset, y), color: colour };
        if (spec.marks && spec.marks.length && subset.length) {
          s.markLine = { symbol: "none", silent: true, label: { formatter: "{b}", position: "insideEndTop", fontSize: 10 },
            data: spec.marks.map(function (m, j) { return { name: label(spec, m), xAxis: subset[0][m], lineStyle: { type: j ? "dashed" : "solid", color: j ? "#c8102e" : "#1f2329" } }; }) };
        }
        series.push(s); if (names.indexOf(name) < 0) { names.push(name); }
      });
    });
    if (g > 0 || spec.facet) { yAxes.forEach(function (a) { a.gridIndex = g; }); yAxes = yAxes.slice(0, 1); series.forEach(function (s) { s.yAxisIndex = g; }); }
    var xAxis = numeric
      ? { type: "value", gridIndex: g, name: pick(spec.axis && spec.axis.x), nameLocation: "middle", nameGap: 26, axisLabel: { formatter: axisFmt(kindOf(spec, spec.x)) } }
      : { type: "category", gridIndex: g, data: xs, boundaryGap: false, name: pick(spec.axis && spec.axis.x), nameLocation: "middle", nameGap: 28 };
    return { xAxis: xAxis, yAxis: spec.facet ? yAxes[0] : yAxes, series: series, names: names, horizontal: false, n: numeric ? rows.length : xs.length };
  }

  function funnel(spec) {
    var o = base(spec);
    o.tooltip = { trigger: "item", formatter: function (p) { return esc(p.name) + ": " + esc(fmt(p.value, kindOf(spec, spec.y[0]))); } };
    o.series = [{ type: "funnel", name: label(spec, spec.y[0]), sort: "none", top: 48, bottom: 10, left: "10%", width: "80%", minSize: "8%",
      label: { show: true, position: "inside", color: "#fff", formatter: function (p) { return p.name + " " + fmt(p.value, kindOf(spec, spec.y[0])); } },
      data: spec.rows.map(function (r) { return { name: cat(spec, r._x), value: r[spec.y[0]] }; }) }];
    return o;
  }

  // Heat-map: x × y categories coloured by the value, with a titled, labelled colour scale.
  function heatmap(spec) {
    var o = base(spec), xs = uniq(spec.rows.map(function (r) { return String(r._x); })), ys = uniq(spec.rows.map(function (r) { return String(r._y); }));
    var vcol = spec.y[1], kind = kindOf(spec, vcol);
    var values = col(spec.rows, vcol).filter(function (v) { return v !== null && v !== undefined; });
    var lo = Math.min.apply(null, values), hi = Math.max.apply(null, values);
    var colours = ["#f3f6fb", "#c8102e"];
    if (/^tgi/.test(vcol)) {  // an index around 100: blue below, red above, white at 100 (0 to 200; beyond is clamped)
      var d = Math.min(Math.max(Math.abs(hi - 100), Math.abs(lo - 100), 1), 100); lo = 100 - d; hi = 100 + d;
      colours = ["#1d5fc9", "#f7f7f7", "#c8102e"];
    }
    function clamp(v) { return v === null || v === undefined ? v : Math.min(Math.max(v, lo), hi); }
    o.tooltip = { trigger: "item", formatter: function (p) { return esc(cat(spec, xs[p.value[0]])) + " × " + esc(cat(spec, ys[p.value[1]])) + "<br>" + esc(label(spec, vcol)) + ": " + esc(fmt(p.value[3], kind)); } };
    o.grid = { left: 8, right: 20, top: o.grid.top, bottom: 96, containLabel: true };
    o.xAxis = { type: "category", data: xs.map(function (x) { return cat(spec, x); }), name: pick(spec.axis && spec.axis.x), nameLocation: "middle", nameGap: 40, axisLabel: { interval: 0, rotate: xs.length > 6 ? 30 : 0, width: 90, overflow: "truncate" } };
    o.yAxis = { type: "category", data: ys.map(function (y) { return cat(spec, y); }), axisLabel: { interval: 0, width: 120, overflow: "truncate" } };
    o.visualMap = { min: lo, max: hi, orient: "horizontal", left: "center", bottom: 0, itemHeight: 160, text: [fmt(hi, kind), label(spec, vcol) + "  " + fmt(lo, kind)], inRange: { color: colours } };
    o.visualMap.dimension = 2;
    o.series = [{ type: "heatmap", name: label(spec, vcol), label: { show: xs.length * ys.length <= 120, fontSize: 10, formatter: function (p) { return fmt(p.value[3], kind); } },
      data: spec.rows.map(function (r) { return [xs.indexOf(String(r._x)), ys.indexOf(String(r._y)), clamp(r[vcol]), r[vcol]]; }) }];
    o._height = Math.max(300, ys.length * 26 + 160);
    return o;
  }

  function tileMap(spec) {
    // A tile-grid map of China: one square per province at its (row, col), coloured by value.
    var o = base(spec), tiles = data.tiles || {}, values = {}, rows = 0, cols = 0, name;
    spec.rows.forEach(function (r) { values[r[spec.x]] = r[spec.y[0]]; });
    var known = [], missing = [];
    for (name in tiles) {
      var t = tiles[name]; rows = Math.max(rows, t.row); cols = Math.max(cols, t.col);
      var lbl = lang() === "zh" ? name : t.en;
      if (values[name] === undefined || values[name] === null) { missing.push([t.col, t.row, null, lbl]); }
      else { known.push([t.col, t.row, values[name], lbl]); }
    }
    var vals = known.map(function (k) { return k[2]; }), kind = kindOf(spec, spec.y[0]);
    var lo = Math.min.apply(null, vals.concat([0])), hi = Math.max.apply(null, vals.concat([1]));
    o.tooltip = { trigger: "item", formatter: function (p) { return esc(p.value[3]) + ": " + esc(fmt(p.value[2], kind)); } };
    o.grid = { left: 10, right: 10, top: 48, bottom: 60 };
    o.xAxis = { type: "value", min: -0.5, max: cols + 0.5, show: false };
    o.yAxis = { type: "value", min: -0.5, max: rows + 0.5, inverse: true, show: false };
    o.visualMap = { seriesIndex: 0, dimension: 2, min: lo, max: hi, orient: "horizontal", left: "center", bottom: 0, itemHeight: 160, text: [fmt(hi, kind), label(spec, spec.y[0]) + "  " + fmt(lo, kind)], inRange: { color: ["#dbe7fb", "#1d5fc9"] } };
    var labelStyle = { show: true, formatter: function (p) { return p.value[3]; }, fontSize: lang() === "zh" ? 11 : 8 };
    o.series = [
      { type: "scatter", name: label(spec, spec.y[0]), symbol: "rect", symbolSize: 36, data: known, label: Object.assign({ color: "#1f2329" }, labelStyle) },
      { type: "scatter", name: "_missing", symbol: "rect", symbolSize: 36, itemStyle: { color: "#eceef1" }, data: missing, label: Object.assign({ color: "#545b66" }, labelStyle), tooltip: { show: false } }
    ];
    return o;
  }

  function sankey(spec) {
    var o = base(spec), names = uniq(col(spec.rows, spec.x).map(String).concat(col(spec.rows, spec.y[0]).map(String)));
    o.tooltip = { trigger: "item", formatter: function (p) {
      var name = p.dataType === "edge" ? cat(spec, p.data.source) + " → " + cat(spec, p.data.target) : cat(spec, p.name);
      return esc(name) + (p.value !== undefined ? ": " + esc(fmt(p.value, kindOf(spec, spec.y[1]))) : ""); } };
    o.series = [{ type: "sankey", top: 48, left: 10, right: 110, emphasis: { focus: "adjacency" },
      label: { formatter: function (p) { return cat(spec, p.name); } },
      data: names.map(function (n) { return { name: n }; }),
      links: spec.rows.map(function (r) { return { source: String(r[spec.x]), target: String(r[spec.y[0]]), value: r[spec.y[1]] }; }),
      lineStyle: { color: "gradient", opacity: 0.4 } }];
    return o;
  }

  function scatter(spec) {
    var o = base(spec), name = spec.y[1];
    var kx = kindOf(spec, spec.x), ky = kindOf(spec, spec.y[0]);
    o.tooltip = { trigger: "item", formatter: function (p) { return (name ? esc(p.value[2]) + "<br>" : "") + esc(label(spec, spec.x)) + ": " + esc(fmt(p.value[0], kx)) + "<br>" + esc(label(spec, spec.y[0])) + ": " + esc(fmt(p.value[1], ky)); } };
    o.xAxis = { type: "value", name: pick(spec.axis && spec.axis.x), nameLocation: "middle", nameGap: 28, axisLabel: { formatter: axisFmt(kx) } };
    o.yAxis = { type: "value", name: pick(spec.axis && spec.axis.y), nameLocation: "middle", nameGap: 50, axisLabel: { formatter: axisFmt(ky) } };
    o.series = [{ type: "scatter", symbolSize: 9, name: label(spec, spec.y[0]), data: spec.rows.map(function (r) { return [r.x !== undefined ? r.x : r[spec.x], r[spec.y[0]], name ? r[name] : ""]; }) }];
    return o;
  }

  // Waterfall: each step's contribution stacked on the running total, ending in the total.
  function waterfall(spec) {
    var o = base(spec), y = spec.y[0], kind = kindOf(spec, y), run = 0, offsets = [], values = [], cats = [];
    spec.rows.forEach(function (r) { cats.push(cat(spec, r._x)); offsets.push(Math.min(run, run + r[y])); values.push(Math.abs(r[y])); run += r[y]; });
    cats.push(pick(spec.cats && spec.cats.total) || "total"); offsets.push(0); values.push(run);
    o.tooltip = { trigger: "axis", formatter: function (ps) { var p = ps.filter(function (q) { return q.seriesName !== "_base"; })[0]; return p ? esc(p.name) + ": " + esc(fmt(p.value, kind)) : ""; } };
    o.xAxis = { type: "category", data: cats, name: pick(spec.axis && spec.axis.x), nameLocation: "middle", nameGap: 30, axisLabel: { interval: 0, rotate: cats.length > 6 ? 30 : 0 } };
    o.yAxis = { type: "value", name: pick(spec.axis && spec.axis.y), nameLocation: "middle", nameGap: 66, axisLabel: { formatter: axisFmt(kind) } };
    o.xAxis.nameGap = cats.length > 6 ? 64 : 30;
    o.series = [
      { type: "bar", name: "_base", stack: "w", itemStyle: { color: "transparent" }, data: offsets, tooltip: { show: false } },
      { type: "bar", name: label(spec, y), stack: "w", data: values.map(function (v, i) { return { value: v, itemStyle: { color: i === values.length - 1 ? "#1d5fc9" : i === 0 ? "#8a919c" : "#c8102e" } }; }),
        label: { show: true, position: "top", formatter: function (p) { return fmt(p.value, kind); } } }
    ];
    return o;
  }

  // Forest plot: one row per category, the estimate as a point and its interval as a whisker,
  // with a reference line (break-even ROI 1) when the values are ratios.
  function forest(spec) {
    var o = base(spec), y = spec.y[0], kind = kindOf(spec, y), pair = spec.bands[y];
    var cats = spec.rows.map(function (r) { return cat(spec, r._x); });
    o.tooltip = { trigger: "item", formatter: function (p) { var r = spec.rows[p.dataIndex]; return esc(cats[p.dataIndex]) + "<br>" + esc(label(spec, y)) + ": " + esc(fmt(r[y], kind)) + (pair ? " (" + esc(fmt(r[pair[0]], kind)) + " – " + esc(fmt(r[pair[1]], kind)) + ")" : ""); } };
    o.yAxis = { type: "category", data: cats, inverse: true };
    o.xAxis = { type: "value", name: pick(spec.axis && spec.axis.y), nameLocation: "middle", nameGap: 28, axisLabel: { formatter: axisFmt(kind) } };
    o.series = [{ type: "scatter", name: label(spec, y), symbolSize: 11, data: spec.rows.map(function (r, i) { return [r[y], i]; }),
      markLine: { symbol: "none", silent: true, lineStyle: { type: "dashed", color: "#545b66" }, label: { formatter: "1" }, data: kind === "ratio" ? [{ xAxis: 1 }] : [] } }];
    if (pair) { o.series.push(errorBars(spec, y, true, spec.rows)); }
    o._height = Math.max(240, cats.length * 34 + 110);
    return o;
  }

  var KINDS = { bar: bar, line: line, funnel: funnel, heatmap: heatmap, map: tileMap, sankey: sankey, scatter: scatter, waterfall: waterfall, forest: forest };

  function option(spec) { return (KINDS[spec.kind] || bar)(spec); }

  function render(el, spec) {
    if (!window.echarts || !spec) { return; }
    el.setAttribute("data-kind", spec.kind);
    var opt = option(spec);
    var tall = opt._height || (opt.yAxis && opt.yAxis.type === "category" && opt.yAxis.data ? Math.max(300, opt.yAxis.data.length * 24 + 120) : 0);
    delete opt._height;
    if (tall && Math.abs(el.clientHeight - tall) > 2) { el.style.height = tall + "px"; }
    var chart = instances[el.id || spec.id] || echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: "svg" });
    chart.resize();
    chart.setOption(opt, true);
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
  window.zhongcao = { render: render, drawAll: drawAll, setLang: setLang, lang: lang, short: short, fmt: fmt, esc: esc, data: data, instances: instances };
  drawAll();
})();
