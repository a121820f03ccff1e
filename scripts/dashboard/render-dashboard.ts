import * as fs from "node:fs";
import * as path from "node:path";
import { DATASETS } from "../config";
import { PROJECT_ROOT } from "../paths";
import type { DashboardData, DashboardKpis, DataQuality } from "./dashboard-data";

/** The page's styles and script, real files type-checked by scripts/dashboard/client/tsconfig.json. */
const CLIENT_DIR = path.join(PROJECT_ROOT, "scripts", "dashboard", "client");

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
    `<script>${clientFile("dashboard.js")}</script>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/** JSON that cannot end its <script> element: every `<` is written as \u003c, which JSON.parse reads back as `<`. */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

const clientFiles = new Map<string, string>();

/** A file of the client folder, read once per process, with any `</` that could end its element escaped. */
function clientFile(name: "dashboard.js" | "dashboard.css"): string {
  let text = clientFiles.get(name);
  if (text === undefined) {
    text = fs.readFileSync(path.join(CLIENT_DIR, name), "utf8").replace(/<\/(script|style)/gi, "<\\/$1");
    clientFiles.set(name, text);
  }
  return text;
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
    `<style>${clientFile("dashboard.css")}</style>`,
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
  return `<footer>Built ${escapeHtml(timestamp.format(new Date(data.generatedAt)))} UTC from the ${DATASETS.analytics} tables of ${escapeHtml(data.warehouse)}.</footer>`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}
