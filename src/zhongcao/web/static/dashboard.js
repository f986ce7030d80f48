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
  function money(v) { return v === null || v === undefined ? "—" : "¥" + Z.short(v); }
  function num(v) { return v === null || v === undefined ? "—" : Z.short(v); }

  function query() {
    var params = new URLSearchParams();
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (el.name && el.value) { params.append(el.name, el.value); }
    }
    return params;
  }

  function table(el, columns, rows) {
    var head = "<thead><tr>" + columns.map(function (c) { return "<th scope=\"col\">" + esc(c) + "</th>"; }).join("") + "</tr></thead>";
    var body = rows.map(function (r) {
      return "<tr>" + columns.map(function (c) { var v = r[c]; return "<td>" + esc(v === null || v === undefined ? "—" : typeof v === "number" ? v.toLocaleString() : v) + "</td>"; }).join("") + "</tr>";
    }).join("");
    el.innerHTML = head + "<tbody>" + body + "</tbody>";
  }

  function esc(v) { return String(v).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c]; }); }

  function show(view) {
    last = view;
    var k = view.kpis;
    var shown = { spend: money(k.spend), leads: num(k.leads), touches: num(k.touches), engagements: num(k.engagements),
      orders: num(k.orders), gmv: money(k.gmv), roi: k.roi === null ? "—" : k.roi.toFixed(2) };
    for (var key in shown) { document.querySelector("[data-live=\"" + key + "\"]").textContent = shown[key]; }
    var notes = [];
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
    Z.render(document.getElementById("live-weekly"), { id: "live-weekly", kind: "line", x: "day", y: ["gmv", "orders"], bands: {}, title: both("weekly_title"), rows: weekly });
    Z.render(document.getElementById("live-regions"), { id: "live-regions", kind: "map", x: "region", y: ["gmv"], bands: {}, title: both("regions_title"), rows: regions });
    Z.render(document.getElementById("live-heat"), { id: "live-heat", kind: "heatmap", x: "channel", y: ["region", "touches"], bands: {}, title: both("heat_title"), rows: heat });
    table(document.getElementById("live-weekly-table"), ["day", "orders", "gmv", "suppressed"], view.weekly);
    table(document.getElementById("live-regions-table"), ["region", "orders", "gmv", "suppressed"], view.regions);
    table(document.getElementById("live-heat-table"), ["region", "channel", "touches", "suppressed"], view.heat);
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
    getJSON("/api/rows?" + q.toString(), function (body) { lastRows = body; table(document.getElementById("drill-table"), body.columns, body.rows); });
    q.set("format", "csv");
    document.getElementById("drill-csv").setAttribute("href", "/api/rows?" + q.toString());
    q.set("format", "xlsx");
    document.getElementById("drill-xlsx").setAttribute("href", "/api/rows?" + q.toString());
  }

  function load() {
    document.getElementById("live-notes").className = "muted";
    getJSON("/api/kpis?" + query().toString(), show);
    loadRows();
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); load(); });
  document.getElementById("f-reset").addEventListener("click", function () { form.reset(); load(); });
  drillView.addEventListener("change", loadRows);
  document.addEventListener("zhongcao:lang", function () { if (last) { show(last); } });
  window.zhongcaoDashboard = { load: load, last: function () { return last; }, rows: function () { return lastRows; } };
  load();
})();
