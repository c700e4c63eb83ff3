// The staff dashboard's charts; the figures come from the page (json_script), never from a request.
(() => {
  const source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) {
    return;
  }
  const data = JSON.parse(source.textContent);
  const draw = (id, option) => {
    const element = document.getElementById(id);
    if (element) {
      const chart = window.echarts.init(element);
      chart.setOption(option);
      window.addEventListener("resize", () => chart.resize());
    }
  };
  const pairs = (rows) => rows.map(([name, value]) => ({ name, value }));
  draw("chart-rates", {
    tooltip: {},
    grid: { left: 40, right: 10, bottom: 60 },
    xAxis: { type: "category", data: data.organizations, axisLabel: { rotate: 30 } },
    yAxis: { type: "value", max: 100 },
    series: [{ type: "bar", data: data.rates }],
  });
  draw("chart-months", {
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.months.map((_, i) => `${i + 1}月`) },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "line", data: data.months }],
  });
  draw("chart-status", {
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: ["35%", "65%"], data: pairs(data.by_status).filter((p) => p.value) }],
  });
  draw("chart-category", {
    tooltip: {},
    grid: { left: 40, right: 10, bottom: 60 },
    xAxis: { type: "category", data: data.by_category.map(([name]) => name), axisLabel: { rotate: 30 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", data: data.by_category.map(([, value]) => value) }],
  });
})();
