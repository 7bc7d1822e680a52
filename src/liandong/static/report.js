// Dashboard charts (Apache ECharts, vendored): each panel carries its data as JSON next to the table it came from.
(function () {
  "use strict";
  var BAND = { A: "#2e7d32", B: "#1565c0", C: "#ef8f00", D: "#c62828" };
  var charts = {};

  function pct(v) { return v === null || v === undefined ? "—" : (v * 100).toFixed(1) + "%"; }

  function option(data) {
    var base = { animation: false, textStyle: { fontFamily: "Noto Sans CJK SC, sans-serif" }, tooltip: { trigger: "axis" } };
    if (data.kind === "trend") {
      return Object.assign(base, {
        legend: { data: ["受理量", "办结率", "满意率"], top: 0, right: 50 },
        grid: { left: 40, right: 44, top: 40, bottom: 24 },
        xAxis: { type: "category", data: data.labels },
        yAxis: [{ type: "value", name: "件" }, { type: "value", min: 0, max: 1, axisLabel: { formatter: function (v) { return v * 100 + "%"; } } }],
        series: [
          { name: "受理量", type: "bar", data: data.received, itemStyle: { color: "#2f6fb3" } },
          { name: "办结率", type: "line", yAxisIndex: 1, data: data.completion, connectNulls: true },
          { name: "满意率", type: "line", yAxisIndex: 1, data: data.satisfaction, connectNulls: true }
        ]
      });
    }
    if (data.kind === "units") {
      return Object.assign(base, {
        grid: { left: 150, right: 30, top: 10, bottom: 20 },
        xAxis: { type: "value", min: 0, max: 100 },
        yAxis: { type: "category", data: data.labels.slice().reverse(), axisLabel: { width: 140, overflow: "truncate" } },
        series: [{ type: "bar", data: data.scores.slice().reverse().map(function (s, i) {
          var grade = data.grades[data.grades.length - 1 - i];
          return { value: s, itemStyle: { color: BAND[grade] || "#9e9e9e" } };
        }), label: { show: true, position: "right", formatter: function (p) { return data.grades[data.grades.length - 1 - p.dataIndex]; } } }]
      });
    }
    if (data.kind === "pie") {
      return Object.assign(base, {
        tooltip: { trigger: "item" },
        legend: { type: "scroll", orient: "vertical", right: 0, top: 10, bottom: 10 },
        series: [{ type: "pie", radius: ["35%", "70%"], center: ["35%", "50%"], data: data.items, label: { formatter: "{b}\n{d}%" } }]
      });
    }
    if (data.kind === "heat") {
      var cells = [];
      data.values.forEach(function (row, y) {
        row.forEach(function (v, x) { if (data.rates[x]) cells.push([x, y, v]); });
      });
      return Object.assign(base, {
        tooltip: { position: "top", formatter: function (p) { return data.rows[p.value[1]] + " · " + data.columns[p.value[0]] + "：" + pct(p.value[2]); } },
        grid: { left: 90, right: 20, top: 10, bottom: 60 },
        xAxis: { type: "category", data: data.columns.filter(function (_, i) { return data.rates[i]; }), splitArea: { show: true } },
        yAxis: { type: "category", data: data.rows, splitArea: { show: true } },
        visualMap: { min: 0.5, max: 1, calculable: false, orient: "horizontal", left: "center", bottom: 0, itemHeight: 120,
                     inRange: { color: ["#c62828", "#ffb300", "#2e7d32"] }, formatter: function (v) { return pct(v); } },
        series: [{ type: "heatmap", data: cells.map(function (c) {
          return [data.columns.filter(function (_, i) { return data.rates[i]; }).indexOf(data.columns[c[0]]), c[1], c[2]];
        }), label: { show: true, formatter: function (p) { return pct(p.value[2]); } } }]
      });
    }
    return base;
  }

  function draw(root) {
    if (!window.echarts) return;
    root.querySelectorAll("script.chart-data").forEach(function (node) {
      var data = JSON.parse(node.textContent || "null");
      var target = document.getElementById(node.dataset.target);
      if (!data || !target) return;
      if (charts[target.id]) charts[target.id].dispose();
      var chart = window.echarts.init(target, null, { renderer: "svg" });
      chart.setOption(option(data));
      charts[target.id] = chart;
      target.dataset.ready = "1";
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-toggle-table]");
    if (!button) return;
    var table = document.getElementById(button.dataset.toggleTable);
    if (!table) return;
    table.hidden = !table.hidden;
    button.setAttribute("aria-expanded", String(!table.hidden));
    button.textContent = table.hidden ? "查看数据表" : "收起数据表";
  });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
})();
