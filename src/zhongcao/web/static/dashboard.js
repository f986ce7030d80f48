/* The dashboard's live view: read the filter form, ask the API, redraw tiles, charts and rows.
 * Strings come from web/messages.toml (embedded as #zc-live); charts reuse the report's renderer. */
(function () {
  "use strict";
  var live = JSON.parse(document.getElementById("zc-live").textContent);
  var Z = window.zhongcao;
  var form = document.getElementById("filters");
  var drillView = document.getElementById("drill-view");
  var last = null, lastRows = null;

  function msg(key) { return live.messages[Z.lang()][key]; }
  function both(key) { return { zh: live.messages.zh[key], en: live.messages.en[key] }; }
  function fill(text, values) { return text.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; }); }
  function money(v) { return v === null || v === undefined ? msg("na") : "¥" + Z.short(v); }
  function num(v) { return v === null || v === undefined ? msg("na") : Math.round(v).toLocaleString(); }
  var L = live.labels || { values: {}, columns: {}, kinds: {} };
  function valueLabel(v) { var e = L.values[v]; return e ? e[Z.lang()] : Z.data && Z.data.labels ? String(v) : String(v); }
  function colLabel(c) { var e = L.columns[c]; return e ? e[Z.lang()] : c; }

  function query() {
    var params = new URLSearchParams();
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (el.name && el.value) { params.append(el.name, el.value); }
    }
    return params;
  }

  // Filters live in the address (?start=…&platform=…): a view can be bookmarked and shared.
  function fromURL() {
    var params = new URLSearchParams(window.location.search);
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (!el.name || !params.has(el.name)) { continue; }
      var v = params.get(el.name);
      if (el.tagName === "SELECT" && !Array.prototype.some.call(el.options, function (o) { return o.value === v; })) { continue; }
      el.value = v;
    }
    if (params.has("view") && (params.get("view") === "orders" || params.get("view") === "touches")) { drillView.value = params.get("view"); }
  }

  function toURL() {
    var q = query();
    if (drillView.value !== "orders") { q.set("view", drillView.value); }
    var params = new URLSearchParams(window.location.search);
    if (params.has("lang")) { q.set("lang", params.get("lang")); }
    var text = q.toString();
    window.history.replaceState(null, "", window.location.pathname + (text ? "?" + text : "") + window.location.hash);
  }

  // Cells by the column's kind: money with ¥, counts without decimals, codes through their labels;
  // a suppressed row says why it is blank.
  function cellText(c, v, row) {
    if (c === "suppressed") { return v ? fill(msg("hidden"), { min: live.min_group }) : ""; }
    if (v === null || v === undefined) { return row && row.suppressed ? "" : ""; }
    var kind = L.kinds[c];
    if (typeof v === "number") { return kind === "money" ? "¥" + Z.short(v) : kind === "count" ? Math.round(v).toLocaleString() : Z.short(v); }
    return kind === "date" ? String(v) : valueLabel(v);
  }

  function table(el, columns, rows) {
    var head = "<thead><tr>" + columns.map(function (c) { return "<th scope=\"col\">" + esc(colLabel(c)) + "</th>"; }).join("") + "</tr></thead>";
    var body = rows.map(function (r) {
      return "<tr" + (r.suppressed ? " class=\"suppressed\"" : "") + ">" + columns.map(function (c) { return "<td>" + esc(cellText(c, r[c], r)) + "</td>"; }).join("") + "</tr>";
    }).join("");
    el.innerHTML = head + "<tbody>" + body + "</tbody>";
  }

  function esc(v) { return String(v).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c]; }); }

  function show(view) {
    last = view;
    var k = view.kpis;
    var shown = { spend: money(k.spend), leads: num(k.leads), touches: num(k.touches), engagements: num(k.engagements),
      orders: num(k.orders), gmv: money(k.gmv), roi: k.roi === null ? msg("na") : k.roi.toFixed(2) };
    for (var key in shown) {
      var tile = document.querySelector("[data-live=\"" + key + "\"]");
      tile.textContent = shown[key];
      tile.setAttribute("data-state", k[key] === null ? "blank" : "shown");
    }
    var w = view.window || {};
    document.getElementById("live-window").textContent = w.start && w.end ? fill(msg(w.snapped ? "window" : "window_exact"), { start: w.start, end: w.end }) : "";
    var notes = [];
    if (view.blank && view.blank.roi) {
      var code = view.blank.roi.indexOf("spend_by_") === 0 ? "spend" : view.blank.roi;
      notes.push(msg("roi_" + code));
    }
    if (view.suppressed.length) {
      notes.push(fill(msg("suppressed"), { min: live.min_group, what: view.suppressed.map(function (s) { return msg("live_" + s); }).join(", ") }));
    }
    for (var what in view.not_applied) {
      if (view.not_applied[what].length) {
        notes.push(fill(msg("not_applied"), { what: msg("live_" + what), filters: view.not_applied[what].map(function (f) { return msg(f); }).join(", ") }));
      }
    }
    document.getElementById("live-notes").textContent = notes.join(" ");
    var weekly = view.weekly.filter(function (r) { return !r.suppressed; });
    var regions = view.regions.filter(function (r) { return !r.suppressed; });
    var heat = view.heat.filter(function (r) { return !r.suppressed; });
    var order = live.options.regions;
    heat.sort(function (p, q) { return order.indexOf(p.region) - order.indexOf(q.region); });
    Z.render(document.getElementById("live-weekly"), spec("live-weekly", "line", "day", ["gmv", "orders"], "weekly_title", weekly));
    Z.render(document.getElementById("live-regions"), spec("live-regions", "map", "region", ["gmv"], "regions_title", regions));
    Z.render(document.getElementById("live-heat"), spec("live-heat", "heatmap", "channel", ["region", "touches"], "heat_title", heat));
    table(document.getElementById("live-weekly-table"), ["day", "orders", "gmv", "suppressed"], view.weekly);
    table(document.getElementById("live-regions-table"), ["region", "orders", "gmv", "suppressed"], view.regions);
    table(document.getElementById("live-heat-table"), ["region", "channel", "touches", "suppressed"], view.heat);
  }

  // A chart spec as the report's renderer takes it: labelled series, categories, axes and value kinds.
  function spec(id, kind, x, y, titleKey, rows) {
    var cats = {};
    rows.forEach(function (r) {
      [r[x], kind === "heatmap" ? r[y[0]] : null].forEach(function (v) { if (v !== null && v !== undefined && L.values[v]) { cats[String(v)] = L.values[v]; } });
    });
    var names = {}, kinds = {};
    [x].concat(y).forEach(function (c) { if (L.columns[c]) { names[c] = L.columns[c]; } kinds[c] = L.kinds[c] || "number"; });
    var valueCol = kind === "heatmap" ? y[1] : y[0];
    return { id: id, kind: kind, x: x, y: y, bands: {}, title: both(titleKey), cats: cats, names: names, kinds: kinds, more: 0,
      axis: { x: L.columns[x] || null, y: L.columns[valueCol] || null },
      rows: rows.map(function (r) { var o = Object.assign({}, r); o._x = r[x]; if (kind === "heatmap") { o._y = r[y[0]]; } return o; }) };
  }

  function fail(body) {
    var notes = document.getElementById("live-notes");
    notes.textContent = fill(msg("error"), { error: body && body.error ? body.error : "?" });
    notes.className = "error";
  }

  function getJSON(url, done) {
    fetch(url, { credentials: "same-origin" }).then(function (r) {
      return r.json().then(function (body) { if (r.ok) { done(body); } else { fail(body); } });
    });
  }

  function loadRows() {
    var q = query();
    q.set("view", drillView.value);
    getJSON("/api/rows?" + q.toString(), function (body) {
      lastRows = body;
      table(document.getElementById("drill-table"), body.columns, body.rows);
      var hidden = body.rows.filter(function (r) { return r.suppressed; }).length;
      document.getElementById("drill-note").textContent = hidden
        ? fill(msg("drill_note"), { n: hidden, total: body.rows.length, min: live.min_group })
        : fill(msg("drill_none"), { min: live.min_group });
    });
    q.set("format", "csv");
    document.getElementById("drill-csv").setAttribute("href", "/api/rows?" + q.toString());
    q.set("format", "xlsx");
    document.getElementById("drill-xlsx").setAttribute("href", "/api/rows?" + q.toString());
  }

  function load() {
    toURL();
    document.getElementById("live-notes").className = "muted";
    getJSON("/api/kpis?" + query().toString(), show);
    loadRows();
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); load(); });
  document.getElementById("f-reset").addEventListener("click", function () { form.reset(); load(); });
  drillView.addEventListener("change", function () { toURL(); loadRows(); });
  document.addEventListener("zhongcao:lang", function () { if (last) { show(last); } if (lastRows) { table(document.getElementById("drill-table"), lastRows.columns, lastRows.rows); } });
  window.zhongcaoDashboard = { load: load, last: function () { return last; }, rows: function () { return lastRows; } };
  fromURL();
  load();
})();
