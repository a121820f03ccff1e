// @ts-check
/**
 * The dashboard's behaviour, in the browser: it draws each chart from the data embedded in the page
 * (`#dashboard-data`), marks its container data-rendered="true" on ECharts' `finished` event, redraws
 * the top products when the month changes and resizes the charts with their containers. Text from
 * the data goes into tooltips escaped (encodeHTML). Nothing is fetched.
 * Type-checked by scripts/dashboard/client/tsconfig.json; read into the page by render-dashboard.ts.
 */

/**
 * The embedded data: DashboardData of scripts/dashboard/dashboard-data.ts, as JSON.
 * @typedef {{ segment: string, segmentOrder: number, customers: number, revenue: number,
 *   shareOfCustomers: number | null, shareOfRevenue: number | null, avgRecencyDays: number | null }} Segment
 * @typedef {{ r: number, f: number, customers: number, segment: string }} RfCell
 * @typedef {{ rank: number, stockCode: string, description: string | null, revenue: number, units: number, share: number }} Product
 * @typedef {{ month: string, products: Product[] }} MonthProducts
 * @typedef {{ daily: { dates: string[], gross: number[], net: number[], grossMovingAverage7: (number | null)[] },
 *   countries: { months: string[], series: { country: string, revenue: number[] }[] },
 *   segments: Segment[], rfGrid: RfCell[], topProducts: MonthProducts[] }} DashboardData
 */

/**
 * What ECharts passes the formatters used here.
 * @typedef {{ marker: string, seriesName: string, axisValue: string, dataIndex: number, value: any }} ChartItem
 * @typedef {(element: HTMLElement) => Record<string, unknown>} BuildOption
 * @typedef {{ chart: ECharts, element: HTMLElement, build: BuildOption }} MountedChart
 */

/**
 * The part of ECharts' browser build (the global `echarts`, inlined before this script) the page uses.
 * @typedef {{ on(event: "finished", handler: () => void): void,
 *   setOption(option: Record<string, unknown>, options?: { notMerge?: boolean }): void,
 *   resize(): void, getHeight(): number }} ECharts
 * @typedef {{ init(element: HTMLElement, theme: null, options: { renderer: "canvas" | "svg" }): ECharts,
 *   format: { encodeHTML(text: string): string } }} EChartsGlobal
 */

(function () {
  "use strict";
  const echarts = /** @type {EChartsGlobal} */ (/** @type {{ echarts: unknown }} */ (/** @type {unknown} */ (window)).echarts);
  const dataElement = document.getElementById("dashboard-data");
  /** @type {DashboardData} */
  const data = JSON.parse(dataElement ? dataElement.textContent || "{}" : "{}");
  var money = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP" });
  var moneyCompact = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP", notation: "compact", maximumFractionDigits: 1 });
  var count = new Intl.NumberFormat("en-GB");
  var share = new Intl.NumberFormat("en-GB", { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
  var dayName = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  var shortMonth = new Intl.DateTimeFormat("en-GB", { month: "short", year: "numeric", timeZone: "UTC" });
  var encode = echarts.format.encodeHTML;
  var TEXT = "#1f2933";
  var MUTED = "#52606d";
  /** @type {Record<string, string>} */
  var SEGMENT_COLOURS = {
    "Champions": "#1a7f37", "Loyal Customers": "#2da44e", "Potential Loyalists": "#6cc644", "New Customers": "#4fa3d9",
    "Promising": "#7fc8f8", "Need Attention": "#e3b341", "About To Sleep": "#f0883e", "At Risk": "#d1495b",
    "Can't Lose Them": "#8e1b2e", "Hibernating": "#8c959f"
  };
  var COUNTRY_COLOURS = ["#2b6cb0", "#38a169", "#dd6b20", "#805ad5", "#d53f8c", "#a0aec0"];

  var wholePounds = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP", maximumFractionDigits: 0 });
  /** Short money for bar labels and axes: £349, £42.7k, £4.3m (compact notation only where it shortens). */
  /** @param {number} value */
  function moneyShort(value) { return Math.abs(value) < 1000 ? wholePounds.format(value) : moneyCompact.format(value); }
  /** @param {string} isoDate */
  function utc(isoDate) { return new Date(isoDate + "T00:00:00Z"); }
  /**
   * @template T
   * @param {T | null | undefined} value
   * @param {(value: T) => string} format
   */
  function orDash(value, format) { return value === null || value === undefined ? "—" : format(value); }
  /** @param {HTMLElement} element */
  function isPhone(element) { return element.clientWidth < 520; }

  /** @type {Record<string, MountedChart>} */
  var charts = {};

  /** Creates the chart, and flags its container each time ECharts has finished drawing it. */
  /** @param {string} id @param {BuildOption} buildOption */
  function mount(id, buildOption) {
    var found = document.getElementById(id);
    if (!found) throw new Error("The page has no #" + id);
    var element = found;
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.on("finished", function () { element.setAttribute("data-rendered", "true"); });
    charts[id] = { chart: chart, element: element, build: buildOption };
    draw(id);
    return chart;
  }

  /** @param {string} id */
  function draw(id) {
    var entry = charts[id];
    if (!entry) return;
    entry.element.setAttribute("data-rendered", "false");
    entry.chart.setOption(entry.build(entry.element), { notMerge: true });
  }

  /** @returns {Record<string, unknown>} */
  function baseOption() {
    return { animationDuration: 300, textStyle: { color: TEXT, fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif" } };
  }

  /** @param {Record<string, unknown>} option */
  function withBase(option) {
    var base = baseOption();
    for (var key in option) base[key] = option[key];
    return base;
  }

  /** @type {BuildOption} */
  function dailyOption(element) {
    var d = data.daily;
    var phone = isPhone(element);
    /** @param {(number | null)[]} values */
    var pairs = function (values) { return d.dates.map(function (date, i) { return [date, values[i]]; }); };
    return withBase({
      color: ["#90cdf4", "#2f855a", "#1a365d"],
      legend: { top: 0, itemGap: 12, textStyle: { color: MUTED } },
      grid: { left: 8, right: 16, top: phone ? 60 : 36, bottom: 48, outerBoundsMode: "same", outerBoundsContain: "all" },
      tooltip: {
        trigger: "axis",
        /** @param {ChartItem[]} items */
        formatter: function (items) {
          var first = items[0];
          if (!first) return "";
          var lines = ["<strong>" + dayName.format(utc(first.value[0])) + "</strong>"];
          items.forEach(function (item) { lines.push(item.marker + encode(item.seriesName) + ": <strong>" + orDash(item.value[1], money.format) + "</strong>"); });
          return lines.join("<br>");
        }
      },
      xAxis: { type: "time", axisLabel: { color: MUTED, hideOverlap: true } },
      yAxis: { type: "value", axisLabel: { color: MUTED, formatter: moneyShort }, splitLine: { lineStyle: { color: "#e4e7eb" } } },
      dataZoom: [{ type: "inside" }, { type: "slider", height: 16, bottom: 6, labelFormatter: "" }],
      series: [
        { name: "Gross revenue", type: "bar", data: pairs(d.gross), barMaxWidth: 6 },
        { name: "Net revenue", type: "line", data: pairs(d.net), showSymbol: false, lineStyle: { width: 1, opacity: 0.8 } },
        { name: "7-day average (gross)", type: "line", data: pairs(d.grossMovingAverage7), showSymbol: false, lineStyle: { width: 2.5 }, connectNulls: false }
      ]
    });
  }

  /** @type {BuildOption} */
  function countriesOption(element) {
    var c = data.countries;
    var months = c.months.map(function (m) { return shortMonth.format(utc(m)); });
    var phone = isPhone(element);
    return withBase({
      color: COUNTRY_COLOURS,
      legend: { top: 0, itemGap: 10, textStyle: { color: MUTED } },
      grid: { left: 8, right: 16, top: phone ? 64 : 36, bottom: 8, outerBoundsMode: "same", outerBoundsContain: "all" },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        /** @param {ChartItem[]} items */
        formatter: function (items) {
          var first = items[0];
          if (!first) return "";
          var total = items.reduce(function (sum, item) { return sum + (item.value || 0); }, 0);
          var lines = ["<strong>" + encode(first.axisValue) + "</strong>"];
          items.forEach(function (item) { lines.push(item.marker + encode(item.seriesName) + ": " + money.format(item.value || 0)); });
          lines.push("Total: <strong>" + money.format(total) + "</strong>");
          return lines.join("<br>");
        }
      },
      xAxis: { type: "category", data: months, axisLabel: { color: MUTED, hideOverlap: true } },
      yAxis: { type: "value", axisLabel: { color: MUTED, formatter: moneyShort }, splitLine: { lineStyle: { color: "#e4e7eb" } } },
      series: c.series.map(function (s) { return { name: s.country, type: "bar", stack: "revenue", data: s.revenue, barMaxWidth: 42, emphasis: { focus: "series" } }; })
    });
  }

  /** Horizontal bars over the ten segments, best first, in each segment's own colour. */
  /** @param {HTMLElement} element @param {"customers" | "revenue"} measure */
  function segmentOption(element, measure) {
    var segments = data.segments;
    var phone = isPhone(element);
    /** @param {Segment} s */
    var value = function (s) { return measure === "customers" ? s.customers : s.revenue; };
    /** @param {Segment} s */
    var shareOf = function (s) { return measure === "customers" ? s.shareOfCustomers : s.shareOfRevenue; };
    var format = measure === "customers" ? count.format : moneyShort;
    return withBase({
      grid: { left: 8, right: measure === "customers" ? (phone ? 92 : 100) : (phone ? 112 : 120), top: 8, bottom: 8, outerBoundsMode: "same", outerBoundsContain: "all" },
      tooltip: {
        trigger: "item",
        /** @param {ChartItem} item */
        formatter: function (item) {
          var s = segments[item.dataIndex];
          if (!s) return "";
          return "<strong>" + encode(s.segment) + "</strong><br>" +
            count.format(s.customers) + " customers (" + orDash(s.shareOfCustomers, share.format) + ")<br>" +
            money.format(s.revenue) + " revenue (" + orDash(s.shareOfRevenue, share.format) + ")<br>" +
            "Average recency: " + orDash(s.avgRecencyDays, function (v) { return count.format(Math.round(v)) + " days"; });
        }
      },
      xAxis: { type: "value", show: false },
      yAxis: { type: "category", inverse: true, data: segments.map(function (s) { return s.segment; }), axisTick: { show: false }, axisLabel: { color: TEXT } },
      series: [{
        type: "bar",
        barMaxWidth: 22,
        data: segments.map(function (s) { return { value: value(s), itemStyle: { color: SEGMENT_COLOURS[s.segment] || "#5a67d8" } }; }),
        label: {
          show: true, position: "right", color: MUTED,
          /** @param {ChartItem} item */
          formatter: function (item) { var s = segments[item.dataIndex]; if (!s) return ""; return format(value(s)) + " (" + orDash(shareOf(s), share.format) + ")"; }
        }
      }]
    });
  }

  /** @type {BuildOption} */
  function rfGridOption(element) {
    var cells = data.rfGrid;
    var max = cells.reduce(function (m, cell) { return Math.max(m, cell.customers); }, 0);
    var scores = ["1", "2", "3", "4", "5"];
    return withBase({
      grid: { left: 8, right: 8, top: 8, bottom: 52, outerBoundsMode: "same", outerBoundsContain: "all" },
      tooltip: {
        /** @param {ChartItem} item */
        formatter: function (item) {
          var cell = cells[item.dataIndex];
          if (!cell) return "";
          return "<strong>R " + cell.r + " · F " + cell.f + "</strong><br>" + encode(cell.segment || "no customers") + "<br>" + count.format(cell.customers) + " customers";
        }
      },
      xAxis: { type: "category", data: scores, name: "Frequency score (F) →", nameLocation: "middle", nameGap: 26, nameTextStyle: { color: MUTED }, axisLabel: { color: MUTED }, splitArea: { show: true } },
      yAxis: { type: "category", data: scores, name: "Recency score (R) →", nameLocation: "middle", nameRotate: 90, nameGap: 26, nameTextStyle: { color: MUTED }, axisLabel: { color: MUTED }, splitArea: { show: true } },
      visualMap: {
        min: 0, max: Math.max(max, 1), calculable: false, orient: "horizontal", left: "center", bottom: 0,
        itemHeight: 120, itemWidth: 12, text: [count.format(max), "0"], textStyle: { color: MUTED },
        inRange: { color: ["#eff6ff", "#90cdf4", "#2b6cb0", "#1a365d"] }
      },
      series: [{
        type: "heatmap",
        // Dark cells get white figures, light ones dark figures, so every count reads.
        data: cells.map(function (cell) {
          return { value: [cell.f - 1, cell.r - 1, cell.customers], label: { color: cell.customers > max * 0.45 ? "#fff" : TEXT } };
        }),
        label: { show: true, fontWeight: 600, formatter: /** @param {ChartItem} item */ function (item) { return count.format(item.value[2]); } },
        itemStyle: { borderColor: "#fff", borderWidth: 2 },
        emphasis: { itemStyle: { borderColor: TEXT, borderWidth: 1 } }
      }]
    });
  }

  var monthSelect = /** @type {HTMLSelectElement | null} */ (document.getElementById("month-select"));

  /** @returns {MonthProducts} */
  function selectedMonth() {
    var month = monthSelect ? monthSelect.value : null;
    return data.topProducts.find(function (entry) { return entry.month === month; }) || data.topProducts[data.topProducts.length - 1] || { month: "", products: [] };
  }

  /** @param {Product} product */
  function productLabel(product) { return product.description || product.stockCode; }

  /** @type {BuildOption} */
  function topProductsOption(element) {
    var entry = selectedMonth();
    var products = entry.products;
    var phone = isPhone(element);
    var labelWidth = Math.max(90, Math.min(260, Math.round(element.clientWidth * (phone ? 0.5 : 0.36))));
    element.setAttribute("data-month", entry.month);
    return withBase({
      grid: { left: 8, right: phone ? 64 : 84, top: 8, bottom: 8, outerBoundsMode: "same", outerBoundsContain: "all" },
      tooltip: {
        trigger: "item",
        /** @param {ChartItem} item */
        formatter: function (item) {
          var p = products[item.dataIndex];
          if (!p) return "";
          return "<strong>#" + p.rank + " " + encode(productLabel(p)) + "</strong><br>Stock code " + encode(p.stockCode) + "<br>" +
            money.format(p.revenue) + " (" + share.format(p.share) + " of the month's product revenue)<br>" + count.format(p.units) + " units";
        }
      },
      xAxis: { type: "value", show: false },
      yAxis: {
        type: "category", inverse: true, data: products.map(productLabel), axisTick: { show: false },
        axisLabel: { color: TEXT, width: labelWidth, overflow: "truncate", fontSize: phone ? 11 : 12 }
      },
      series: [{
        type: "bar", barMaxWidth: 22, itemStyle: { color: "#2b6cb0" },
        data: products.map(function (p) { return p.revenue; }),
        label: { show: true, position: "right", color: MUTED, formatter: /** @param {ChartItem} item */ function (item) { return phone ? moneyShort(item.value) : money.format(item.value); } }
      }]
    });
  }

  mount("chart-daily", dailyOption);
  mount("chart-rf-grid", rfGridOption);
  mount("chart-countries", countriesOption);
  mount("chart-segments-customers", function (element) { return segmentOption(element, "customers"); });
  mount("chart-top-products", topProductsOption);
  mount("chart-segments-revenue", function (element) { return segmentOption(element, "revenue"); });

  if (monthSelect) monthSelect.addEventListener("change", function () { draw("chart-top-products"); });

  // Charts follow their containers (window resizes, the grid changing its columns). Resizing in the
  // next frame keeps ResizeObserver from reporting a loop; options depending on the width are rebuilt.
  var pending = false;
  /** @type {Record<string, number>} */
  var lastWidths = {};
  var observer = new ResizeObserver(function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      Object.keys(charts).forEach(function (id) {
        var entry = charts[id];
        if (!entry) return;
        var width = entry.element.clientWidth;
        if (lastWidths[id] === width && entry.chart.getHeight() === entry.element.clientHeight) return;
        var phoneChanged = lastWidths[id] !== undefined && (lastWidths[id] < 520) !== (width < 520);
        lastWidths[id] = width;
        entry.chart.resize();
        if (phoneChanged || id === "chart-top-products") draw(id);
      });
    });
  });
  Object.keys(charts).forEach(function (id) {
    var entry = charts[id];
    if (!entry) return;
    lastWidths[id] = entry.element.clientWidth;
    observer.observe(entry.element);
  });
})();
