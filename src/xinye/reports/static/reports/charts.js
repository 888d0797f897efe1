/* Charts of the console's 工作台 and of the wall screen, drawn with the Chart.js that django-unfold bundles.
   The figures come from the page's json_script (no inline script: the CSP forbids it); the wall screen
   fetches them again from its JSON twin every `data-refresh` seconds (core/poll.js) and updates in place. */
(function () {
  "use strict";
  var COLOURS = ["#c0141c", "#f07b3f", "#2e75b6", "#a6a6a6"];

  function read(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function config(name, spec, dark) {
    var ink = dark ? "#f4f6fb" : "#4b5563";
    var grid = dark ? "rgba(255,255,255,0.12)" : "rgba(0,0,0,0.08)";
    var size = dark ? 18 : 12;
    var scales = {
      x: { ticks: { color: ink, font: { size: size } }, grid: { color: grid } },
      y: { beginAtZero: true, ticks: { color: ink, font: { size: size }, precision: 0 }, grid: { color: grid } }
    };
    var legend = { display: false, labels: { color: ink, font: { size: size } } };
    var datasets;
    var type = "bar";
    if (name === "comparison") {
      datasets = spec.series.map(function (s, i) {
        return { label: s[0], data: s[1], backgroundColor: COLOURS[i % COLOURS.length], stack: "s" };
      });
      scales.x.stacked = true;
      scales.y.stacked = true;
      legend.display = true;
    } else if (name === "checkins" || name === "coverage") {
      type = "line";
      datasets = [{ label: spec.title, data: spec.values, borderColor: name === "coverage" ? "#c0141c" : "#f07b3f",
        backgroundColor: "rgba(240,123,63,0.2)", fill: name === "checkins", tension: 0.25, spanGaps: true,
        pointRadius: dark ? 3 : 2 }];
      if (name === "coverage") { scales.y.beginAtZero = false; scales.y.suggestedMax = 100; }
    } else {
      datasets = [{ label: spec.title, data: spec.values, backgroundColor: "#c0141c" }];
    }
    return {
      type: type,
      data: { labels: spec.labels, datasets: datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: legend }, scales: scales }
    };
  }

  function drawAll(prefix, charts, dark, drawn) {
    Object.keys(charts || {}).forEach(function (name) {
      var spec = charts[name];
      var canvas = document.getElementById(prefix + name);
      if (!spec || !canvas || typeof Chart === "undefined") { return; }
      if (drawn[name]) {
        var fresh = config(name, spec, dark).data;
        drawn[name].data.labels = fresh.labels;
        drawn[name].data.datasets.forEach(function (ds, i) { ds.data = fresh.datasets[i].data; });
        drawn[name].update();
      } else {
        drawn[name] = new Chart(canvas, config(name, spec, dark));
      }
    });
  }

  /* The console's 工作台 */
  var dashboard = read("xinye-dashboard-data");
  if (dashboard) { drawAll("xinye-chart-", dashboard, false, {}); }

  /* The wall screen */
  var screen = document.getElementById("xinye-screen");
  if (!screen) { return; }
  var drawn = {};
  var data = read("screen-data");
  drawAll("screen-chart-", data.charts, true, drawn);

  function setText(selector, value) {
    var el = document.querySelector(selector);
    if (el) { el.textContent = value; }
  }

  function update(d) {
    (d.headline || []).forEach(function (f) { setText('[data-figure="' + f.key + '"] .v', f.value); });
    Object.keys(d.map || {}).forEach(function (code) {
      var shape = document.querySelector('[data-region="' + code + '"]');
      if (shape) { shape.setAttribute("fill", d.map[code].fill); }
      setText('[data-rate="' + code + '"]', d.map[code].rate);
      setText('[data-stations="' + code + '"]', d.map[code].stations);
    });
    var list = document.getElementById("screen-activity");
    if (list && d.activity && d.activity.length) {
      list.textContent = "";
      d.activity.forEach(function (a) {
        var li = document.createElement("li");
        var t = document.createElement("span");
        t.className = "t";
        t.textContent = a.time;
        li.appendChild(t);
        li.appendChild(document.createTextNode(a.text));
        list.appendChild(li);
      });
    }
    setText("#screen-updated", d.updated);
    drawAll("screen-chart-", d.charts, true, drawn);
  }

  function tick() {
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    setText("#screen-clock", now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()) +
      " " + pad(now.getHours()) + ":" + pad(now.getMinutes()));
  }
  tick();
  setInterval(tick, 10000);
  // a revoked display link answers 404 (403 for a staff page whose login ended): reload to show it; offline,
  // keep the last figures (core/poll.js)
  var every = (parseInt(screen.dataset.refresh, 10) || 60) * 1000;
  window.xinyePoll(screen.dataset.url, { every: every, gone: [403, 404], receive: update });
})();
