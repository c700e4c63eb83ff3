// The three maps' charts; the figures come from the page (json_script), never from a request.
(() => {
  if (!window.echarts) {
    return;
  }
  const read = (id) => {
    const source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  };
  const draw = (id, option) => {
    const element = document.getElementById(id);
    if (element) {
      const chart = window.echarts.init(element);
      chart.setOption(option);
      window.addEventListener("resize", () => chart.resize());
    }
  };
  // Long Chinese labels on a phone: a horizontal bar chart keeps every label readable.
  const bars = (labels, series) => ({
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0, show: series.length > 1 },
    grid: { left: 8, right: 16, top: series.length > 1 ? 32 : 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: labels, inverse: true, axisLabel: { width: 110, overflow: "truncate" } },
    series: series.map(([name, data]) => ({ type: "bar", name, data })),
  });
  const demand = read("maps-demand-data");
  if (demand) {
    const [needed, have, gap] = demand.series;
    draw("chart-demand", bars(demand.labels, [[needed, demand.needed], [have, demand.have], [gap, demand.gap]]));
  }
  const support = read("maps-support-data");
  if (support) {
    draw("chart-support", bars(support.kinds, [[support.label, support.talents]]));
  }
})();
