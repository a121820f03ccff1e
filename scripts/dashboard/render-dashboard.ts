import * as fs from "node:fs";
import type { DashboardData, DashboardKpis, DataQuality } from "./dashboard-data";

/**
 * The dashboard as ONE self-contained HTML document: ECharts, the data, the styles and the page's
 * script are all inline, so the file opens from disk, can be mailed or archived, and makes no request
 * of any kind (a Content-Security-Policy of default-src 'none' makes sure of it). The figures of the
 * KPI tiles and the tables are rendered here, so they read even with scripts off; the charts are
 * drawn in the browser from the embedded JSON.
 */
export function renderDashboard(data: DashboardData): string {
  return [
    "<!doctype html>",
    '<html lang="en-GB">',
    renderHead(data),
    "<body>",
    renderHeader(data),
    "<main>",
    renderKpis(data.kpis),
    '<section class="grid" aria-label="Charts">',
    chartCard("chart-daily", "Daily revenue", "Gross and net revenue per day, all countries, with the 7-day moving average of gross revenue (days without sales count as £0).", "span-2"),
    chartCard("chart-rf-grid", "Recency × frequency", "RFM customers per cell of R and F scores (5 = best)."),
    chartCard("chart-countries", "Monthly revenue by country", "Gross revenue per month: the five biggest countries and the rest.", "span-2"),
    chartCard("chart-segments-customers", "Customers by RFM segment", "Customers in each segment, with the share of all RFM customers."),
    chartCard("chart-top-products", "Top products of the month", "Products by revenue over the month's sale lines.", "span-2", renderMonthSelect(data)),
    chartCard("chart-segments-revenue", "Revenue by RFM segment", "The segment's customers' lifetime revenue, with the share of all RFM revenue."),
    renderQualityPanel(data.quality),
    "</section>",
    "</main>",
    renderFooter(data),
    `<script type="application/json" id="dashboard-data">${embedJson(data)}</script>`,
    `<script>${echartsSource()}</script>`,
    `<script>${CLIENT_SCRIPT}</script>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/** JSON that cannot end its <script> element: every `<` is written as \u003c, which JSON.parse reads back as `<`. */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

let echartsCache: string | undefined;

/** The ECharts browser build, read once per process, with any `</script` in it (there is none today) escaped so it cannot end the tag. */
function echartsSource(): string {
  echartsCache ??= fs.readFileSync(require.resolve("echarts/dist/echarts.min.js"), "utf8").replace(/<\/script/gi, "<\\/script");
  return echartsCache;
}

const money = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP" });
const count = new Intl.NumberFormat("en-GB");
const percent = new Intl.NumberFormat("en-GB", { style: "percent", minimumFractionDigits: 2, maximumFractionDigits: 2 });
const longDate = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const monthName = new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
const timestamp = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** A YYYY-MM-DD date as "10 Dec 2011". */
function formatDate(isoDate: string): string {
  return longDate.format(new Date(`${isoDate}T00:00:00Z`));
}

function renderHead(data: DashboardData): string {
  const title = `Online Retail dashboard${data.kpis.rfmAsOf ? ` — as of ${formatDate(data.kpis.rfmAsOf)}` : ""}`;
  return [
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing may be fetched: the page is complete as it is, offline included.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`,
    '<link rel="icon" href="data:,">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLES}</style>`,
    "</head>",
  ].join("\n");
}

function renderHeader(data: DashboardData): string {
  const facts = [
    data.period ? `Sales ${formatDate(data.period.first)} – ${formatDate(data.period.last)}` : "No sales",
    data.kpis.rfmAsOf ? `RFM as of <time id="as-of-date" datetime="${data.kpis.rfmAsOf}">${formatDate(data.kpis.rfmAsOf)}</time>` : '<span id="as-of-date">RFM date not known</span>',
    `Warehouse <code>${escapeHtml(data.warehouse)}</code>`,
  ];
  return [
    "<header>",
    "<h1>Online Retail dashboard</h1>",
    `<p class="facts">${facts.join('<span aria-hidden="true"> · </span>')}</p>`,
    "</header>",
  ].join("\n");
}

interface KpiTile {
  id: string;
  label: string;
  value: number | string | null;
  display: string;
  note: string;
}

function kpiTiles(kpis: DashboardKpis): KpiTile[] {
  const orNone = <T>(value: T | null, format: (value: T) => string) => (value === null ? "—" : format(value));
  return [
    { id: "kpi-gross-revenue", label: "Gross revenue", value: kpis.grossRevenue, display: money.format(kpis.grossRevenue), note: "sale lines" },
    { id: "kpi-net-revenue", label: "Net revenue", value: kpis.netRevenue, display: money.format(kpis.netRevenue), note: "gross less cancellations" },
    { id: "kpi-orders", label: "Orders", value: kpis.orders, display: count.format(kpis.orders), note: "invoices with a sale line" },
    { id: "kpi-customers", label: "Customers", value: kpis.customers, display: count.format(kpis.customers), note: "known customers who bought" },
    {
      id: "kpi-average-order-value",
      label: "Average order value",
      value: kpis.averageOrderValue,
      display: orNone(kpis.averageOrderValue, (value) => money.format(value)),
      note: "gross revenue / orders",
    },
    {
      id: "kpi-cancellation-rate",
      label: "Cancellation rate",
      value: kpis.cancellationRate,
      display: orNone(kpis.cancellationRate, (value) => percent.format(value)),
      note: "cancelled / gross revenue",
    },
    { id: "kpi-rfm-customers", label: "RFM customers", value: kpis.rfmCustomers, display: count.format(kpis.rfmCustomers), note: "scored and segmented" },
    { id: "kpi-rfm-as-of", label: "RFM as of", value: kpis.rfmAsOf, display: orNone(kpis.rfmAsOf, formatDate), note: "recency measured to" },
  ];
}

/** Each tile shows the formatted figure and keeps the raw one in data-value, for tests and scripts. */
function renderKpis(kpis: DashboardKpis): string {
  const tiles = kpiTiles(kpis).map(
    (tile) =>
      `<div class="kpi"><div class="kpi-label">${escapeHtml(tile.label)}</div>` +
      `<div class="kpi-value" id="${tile.id}" data-value="${escapeHtml(tile.value === null ? "" : String(tile.value))}">${escapeHtml(tile.display)}</div>` +
      `<div class="kpi-note">${escapeHtml(tile.note)}</div></div>`
  );
  return `<section class="kpis" aria-label="Key figures">\n${tiles.join("\n")}\n</section>`;
}

function chartCard(id: string, title: string, description: string, layout = "", controls = ""): string {
  return [
    `<article class="card ${layout}">`,
    `<div class="card-head"><h2>${escapeHtml(title)}</h2>${controls}</div>`,
    `<p class="card-note">${escapeHtml(description)}</p>`,
    `<div class="chart" id="${id}" role="img" aria-label="${escapeHtml(title)}"></div>`,
    "</article>",
  ].join("\n");
}

/** Every month of top_n_products_monthly, the latest selected. */
function renderMonthSelect(data: DashboardData): string {
  const months = data.topProducts.map((entry) => entry.month);
  const latest = months[months.length - 1];
  const options = months.map(
    (month) => `<option value="${month}"${month === latest ? " selected" : ""}>${monthName.format(new Date(`${month}T00:00:00Z`))}</option>`
  );
  return `<label class="month-picker">Month <select id="month-select">${options.join("")}</select></label>`;
}

/** A row of the data-quality tables: the id names its value cell, for tests and scripts. */
type QualityRow = { id?: string; label: string; value: string };

/** Two small tables: what the loads landed and where the rest went; how the last run's assertions ended. */
function renderQualityPanel(quality: DataQuality): string {
  const run = quality.lastRun;
  const notKnown = '<span class="muted">not known</span>';
  const reconciles = quality.rawRows === quality.stagedRows + quality.rejectedRows;
  const loading: QualityRow[] = [
    { id: "quality-files-loaded", label: "Files loaded", value: count.format(quality.filesLoaded) },
    { id: "quality-raw-rows", label: "Raw rows loaded", value: count.format(quality.rawRows) },
    { id: "quality-staged-rows", label: "Staged rows", value: count.format(quality.stagedRows) },
    { id: "quality-rejected-rows", label: "Rejected rows", value: count.format(quality.rejectedRows) },
    ...quality.rejectedByReason.map((reason) => ({ label: `<span class="indent">${escapeHtml(reason.reason)}</span>`, value: count.format(reason.rows) })),
    { label: "Raw = staged + rejected", value: reconciles ? '<span class="ok">yes</span>' : '<span class="bad">no</span>' },
    { id: "quality-malformed-lines", label: "Malformed lines set aside", value: count.format(quality.malformedLines) },
  ];
  const lastRun: QualityRow[] = [
    { id: "quality-assertions-passed", label: "Assertions passed", value: run ? count.format(run.assertionsPassed) : notKnown },
    {
      id: "quality-assertions-failed",
      label: "Assertions failed",
      value: run ? `<span class="${run.assertionsFailed > 0 ? "bad" : "ok"}">${count.format(run.assertionsFailed)}</span>` : notKnown,
    },
    ...(run && run.assertionsSkipped > 0 ? [{ id: "quality-assertions-skipped", label: "Assertions skipped", value: count.format(run.assertionsSkipped) }] : []),
    { label: "Run", value: run ? (run.succeeded ? '<span class="ok">succeeded</span>' : '<span class="bad">failed</span>') : notKnown },
    { label: "Started", value: run ? `${escapeHtml(timestamp.format(new Date(run.startedAt)))} UTC` : notKnown },
  ];
  return [
    '<article class="card span-all" id="data-quality">',
    '<div class="card-head"><h2>Data quality</h2></div>',
    '<p class="card-note">What was loaded, what could not be typed, and how the last run\'s assertions ended.</p>',
    '<div class="quality-tables">',
    qualityTable("Loading", loading),
    qualityTable("Last run", lastRun),
    "</div>",
    "</article>",
  ].join("\n");
}

function qualityTable(caption: string, rows: QualityRow[]): string {
  const body = rows.map((row) => `<tr><th scope="row">${row.label}</th><td${row.id ? ` id="${row.id}"` : ""}>${row.value}</td></tr>`).join("\n");
  return `<table class="quality">\n<caption>${escapeHtml(caption)}</caption>\n${body}\n</table>`;
}

function renderFooter(data: DashboardData): string {
  return `<footer>Built ${escapeHtml(timestamp.format(new Date(data.generatedAt)))} UTC from the ecommerce_analytics tables of ${escapeHtml(data.warehouse)}.</footer>`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const STYLES = `
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: #f3f5f8; color: #1f2933; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header, main, footer { max-width: 1600px; margin: 0 auto; padding-left: 24px; padding-right: 24px; }
header { padding-top: 20px; }
h1 { margin: 0; font-size: 1.6rem; font-weight: 650; }
.facts { margin: 4px 0 0; color: #52606d; }
code { font-size: 0.92em; }
.kpis { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; margin-top: 16px; }
.kpi { background: #fff; border-radius: 8px; padding: 12px 16px; box-shadow: 0 1px 2px rgba(16, 24, 40, 0.08); min-width: 0; }
.kpi-label { color: #52606d; font-size: 0.85rem; font-weight: 600; }
.kpi-value { font-size: clamp(1.1rem, 1.9vw, 1.55rem); font-weight: 700; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.kpi-note { color: #7b8794; font-size: 0.78rem; }
.grid { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); grid-auto-flow: row dense; gap: 16px; margin: 16px 0 8px; }
.card { background: #fff; border-radius: 8px; padding: 14px 16px 8px; box-shadow: 0 1px 2px rgba(16, 24, 40, 0.08); min-width: 0; }
.span-2 { grid-column: span 2; }
.span-all { grid-column: 1 / -1; }
.card-head { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px; }
h2 { margin: 0; font-size: 1.05rem; font-weight: 650; }
.card-note { margin: 2px 0 6px; color: #7b8794; font-size: 0.82rem; }
.chart { width: 100%; height: 340px; }
.month-picker { font-size: 0.9rem; color: #52606d; }
select { font: inherit; padding: 3px 6px; border: 1px solid #cbd2d9; border-radius: 6px; background: #fff; color: #1f2933; }
.quality-tables { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 340px), 1fr)); gap: 8px 32px; align-items: start; }
.quality { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; margin-bottom: 8px; }
.quality caption { text-align: left; font-weight: 650; color: #52606d; padding: 4px 8px; }
.quality th, .quality td { padding: 5px 8px; border-bottom: 1px solid #e4e7eb; }
.quality th { text-align: left; font-weight: 500; width: 65%; }
.quality td { text-align: right; }
.indent { padding-left: 16px; color: #52606d; }
.muted { color: #7b8794; font-style: italic; }
.ok { color: #1a7f37; font-weight: 600; }
.bad { color: #b42318; font-weight: 600; }
footer { color: #7b8794; font-size: 0.8rem; padding-bottom: 24px; }
@media (max-width: 1100px) {
  .grid { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .span-2 { grid-column: 1 / -1; }
  /* Three one-column cards leave a hole in two columns: the data-quality panel fills it. */
  #data-quality { grid-column: auto; }
}
@media (max-width: 720px) {
  header, main, footer { padding-left: 12px; padding-right: 12px; }
  h1 { font-size: 1.3rem; }
  .kpis { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 8px; }
  .kpi { padding: 10px 10px; }
  /* Two tiles a row: "£10,655,622.48" has to fit in about 160px. */
  .kpi-value { font-size: 1.05rem; }
  .grid { grid-template-columns: minmax(0, 1fr); }
  #data-quality { grid-column: 1 / -1; }
  .card { padding: 12px 10px 6px; }
  .chart { height: 320px; }
}
`;

/*
 * The page's script: plain browser JavaScript, kept as text because the tooling's TypeScript has no
 * DOM types. It draws each chart from the embedded JSON, marks its container data-rendered="true" on
 * ECharts' `finished` event, redraws the top products when the month changes and resizes the charts
 * with their containers. Text from the data goes into tooltips escaped (encodeHTML).
 */
const CLIENT_SCRIPT = String.raw`
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var money = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP" });
  var moneyCompact = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP", notation: "compact", maximumFractionDigits: 1 });
  var count = new Intl.NumberFormat("en-GB");
  var share = new Intl.NumberFormat("en-GB", { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
  var dayName = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  var shortMonth = new Intl.DateTimeFormat("en-GB", { month: "short", year: "numeric", timeZone: "UTC" });
  var encode = echarts.format.encodeHTML;
  var TEXT = "#1f2933";
  var MUTED = "#52606d";
  var SEGMENT_COLOURS = {
    "Champions": "#1a7f37", "Loyal Customers": "#2da44e", "Potential Loyalists": "#6cc644", "New Customers": "#4fa3d9",
    "Promising": "#7fc8f8", "Need Attention": "#e3b341", "About To Sleep": "#f0883e", "At Risk": "#d1495b",
    "Can't Lose Them": "#8e1b2e", "Hibernating": "#8c959f"
  };
  var COUNTRY_COLOURS = ["#2b6cb0", "#38a169", "#dd6b20", "#805ad5", "#d53f8c", "#a0aec0"];

  var wholePounds = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP", maximumFractionDigits: 0 });
  /** Short money for bar labels and axes: £349, £42.7k, £4.3m (compact notation only where it shortens). */
  function moneyShort(value) { return Math.abs(value) < 1000 ? wholePounds.format(value) : moneyCompact.format(value); }
  function utc(isoDate) { return new Date(isoDate + "T00:00:00Z"); }
  function orDash(value, format) { return value === null || value === undefined ? "—" : format(value); }
  function isPhone(element) { return element.clientWidth < 520; }

  var charts = {};

  /** Creates the chart, and flags its container each time ECharts has finished drawing it. */
  function mount(id, buildOption) {
    var element = document.getElementById(id);
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.on("finished", function () { element.setAttribute("data-rendered", "true"); });
    charts[id] = { chart: chart, element: element, build: buildOption };
    draw(id);
    return chart;
  }

  function draw(id) {
    var entry = charts[id];
    entry.element.setAttribute("data-rendered", "false");
    entry.chart.setOption(entry.build(entry.element), { notMerge: true });
  }

  function baseOption() {
    return { animationDuration: 300, textStyle: { color: TEXT, fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif" } };
  }

  function withBase(option) {
    var base = baseOption();
    for (var key in option) base[key] = option[key];
    return base;
  }

  function dailyOption(element) {
    var d = data.daily;
    var phone = isPhone(element);
    var pairs = function (values) { return d.dates.map(function (date, i) { return [date, values[i]]; }); };
    return withBase({
      color: ["#90cdf4", "#2f855a", "#1a365d"],
      legend: { top: 0, itemGap: 12, textStyle: { color: MUTED } },
      grid: { left: 8, right: 16, top: phone ? 60 : 36, bottom: 48, outerBoundsMode: "same", outerBoundsContain: "all" },
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          if (!items.length) return "";
          var lines = ["<strong>" + dayName.format(utc(items[0].value[0])) + "</strong>"];
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
        formatter: function (items) {
          if (!items.length) return "";
          var total = items.reduce(function (sum, item) { return sum + (item.value || 0); }, 0);
          var lines = ["<strong>" + encode(items[0].axisValue) + "</strong>"];
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
  function segmentOption(element, measure) {
    var segments = data.segments;
    var phone = isPhone(element);
    var value = function (s) { return measure === "customers" ? s.customers : s.revenue; };
    var shareOf = function (s) { return measure === "customers" ? s.shareOfCustomers : s.shareOfRevenue; };
    var format = measure === "customers" ? count.format : moneyShort;
    return withBase({
      grid: { left: 8, right: measure === "customers" ? (phone ? 92 : 100) : (phone ? 112 : 120), top: 8, bottom: 8, outerBoundsMode: "same", outerBoundsContain: "all" },
      tooltip: {
        trigger: "item",
        formatter: function (item) {
          var s = segments[item.dataIndex];
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
          formatter: function (item) { var s = segments[item.dataIndex]; return format(value(s)) + " (" + orDash(shareOf(s), share.format) + ")"; }
        }
      }]
    });
  }

  function rfGridOption(element) {
    var cells = data.rfGrid;
    var max = cells.reduce(function (m, cell) { return Math.max(m, cell.customers); }, 0);
    var scores = ["1", "2", "3", "4", "5"];
    return withBase({
      grid: { left: 8, right: 8, top: 8, bottom: 52, outerBoundsMode: "same", outerBoundsContain: "all" },
      tooltip: {
        formatter: function (item) {
          var cell = cells[item.dataIndex];
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
        label: { show: true, fontWeight: 600, formatter: function (item) { return count.format(item.value[2]); } },
        itemStyle: { borderColor: "#fff", borderWidth: 2 },
        emphasis: { itemStyle: { borderColor: TEXT, borderWidth: 1 } }
      }]
    });
  }

  var monthSelect = document.getElementById("month-select");

  function selectedMonth() {
    var month = monthSelect ? monthSelect.value : null;
    return data.topProducts.find(function (entry) { return entry.month === month; }) || data.topProducts[data.topProducts.length - 1] || { month: "", products: [] };
  }

  function productLabel(product) { return product.description || product.stockCode; }

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
        formatter: function (item) {
          var p = products[item.dataIndex];
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
        label: { show: true, position: "right", color: MUTED, formatter: function (item) { return phone ? moneyShort(item.value) : money.format(item.value); } }
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
  var lastWidths = {};
  var observer = new ResizeObserver(function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      Object.keys(charts).forEach(function (id) {
        var entry = charts[id];
        var width = entry.element.clientWidth;
        if (lastWidths[id] === width && entry.chart.getHeight() === entry.element.clientHeight) return;
        var phoneChanged = lastWidths[id] !== undefined && (lastWidths[id] < 520) !== (width < 520);
        lastWidths[id] = width;
        entry.chart.resize();
        if (phoneChanged || id === "chart-top-products") draw(id);
      });
    });
  });
  Object.keys(charts).forEach(function (id) { lastWidths[id] = charts[id].element.clientWidth; observer.observe(charts[id].element); });
})();
`;
