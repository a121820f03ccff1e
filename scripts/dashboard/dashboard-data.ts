import * as path from "node:path";
import type { Json } from "@duckdb/node-api";
import { DATASETS } from "../config";
import { EcomError } from "../errors";
import type { RunReportFile } from "../runner/run-report";
import type { DuckDbWarehouse, Row } from "../warehouse/duckdb";

/**
 * Everything the local dashboard shows, read from the warehouse in one go. The page gets it as JSON,
 * so it holds aggregates only (a few hundred numbers), never sales lines. Money is a number of
 * pounds rounded to the penny: the sums are exact DECIMALs in the warehouse, rounded there, and only
 * then turned into numbers, so no float arithmetic touches a total.
 */
export interface DashboardData {
  /** File name of the warehouse the figures come from. */
  warehouse: string;
  generatedAt: string;
  /** First and last sale date of the calendar (dim_dates); null on a warehouse without sales. */
  period: { first: string; last: string } | null;
  kpis: DashboardKpis;
  daily: DailyRevenue;
  countries: CountryMonths;
  segments: SegmentSummary[];
  rfGrid: RfCell[];
  topProducts: MonthTopProducts[];
  quality: DataQuality;
}

export interface DashboardKpis {
  grossRevenue: number;
  netRevenue: number;
  /** Distinct invoices with a sale line. */
  orders: number;
  /** Distinct known customers with a sale line over the whole period. */
  customers: number;
  /** grossRevenue / orders, to the penny; null without orders. */
  averageOrderValue: number | null;
  /** Cancelled revenue as a positive share of gross revenue (0.0123 = 1.23 %); null without revenue. */
  cancellationRate: number | null;
  /** YYYY-MM-DD; null when nobody is in the RFM population. */
  rfmAsOf: string | null;
  rfmCustomers: number;
}

/** One entry per calendar day of dim_dates, days without sales included as zeros (columns, to keep the JSON small). */
export interface DailyRevenue {
  dates: string[];
  gross: number[];
  net: number[];
  /** Trailing 7-day mean of gross revenue; null for the first six days, whose window is incomplete. */
  grossMovingAverage7: (number | null)[];
}

/** Gross revenue per calendar month of the five biggest countries, the rest summed as "Other". */
export interface CountryMonths {
  /** First day of each month, YYYY-MM-DD. */
  months: string[];
  series: { country: string; revenue: number[] }[];
}

export interface SegmentSummary {
  segment: string;
  segmentOrder: number;
  customers: number;
  revenue: number;
  shareOfCustomers: number | null;
  shareOfRevenue: number | null;
  avgRecencyDays: number | null;
}

/** One cell of the R x F grid: all 25 are present, empty ones with zero customers. */
export interface RfCell {
  r: number;
  f: number;
  customers: number;
  /** The segment the map gives the cell; null when the cell is empty (the map is not stored elsewhere). */
  segment: string | null;
}

export interface MonthTopProducts {
  /** First day of the month, YYYY-MM-DD. */
  month: string;
  products: { rank: number; stockCode: string; description: string | null; revenue: number; units: number; share: number }[];
}

export interface DataQuality {
  rawRows: number;
  stagedRows: number;
  rejectedRows: number;
  rejectedByReason: { reason: string; rows: number }[];
  /** Lines the loader set aside; 0 when the warehouse has no raw_sales_malformed table. */
  malformedLines: number;
  /** File versions recorded in load_ledger. */
  filesLoaded: number;
  /** From the last run report; null when there is none ("not known" on the page). */
  lastRun: { startedAt: string; succeeded: boolean; assertionsPassed: number; assertionsFailed: number; assertionsSkipped: number } | null;
}

/** The analytics tables the page is built on; without them there is nothing to show. */
export const REQUIRED_TABLES: readonly { schema: string; name: string }[] = [
  { schema: DATASETS.analytics, name: "agg_daily_sales" },
  { schema: DATASETS.analytics, name: "agg_customer_segments" },
  { schema: DATASETS.analytics, name: "customer_rfm" },
  { schema: DATASETS.analytics, name: "top_n_products_monthly" },
  { schema: DATASETS.dwh, name: "fact_sales" },
  { schema: DATASETS.dwh, name: "dim_customers" },
  { schema: DATASETS.dwh, name: "dim_dates" },
  { schema: DATASETS.staging, name: "stg_sales" },
  { schema: DATASETS.staging, name: "stg_sales_rejected" },
  { schema: DATASETS.raw, name: "raw_sales" },
  { schema: DATASETS.raw, name: "load_ledger" },
];

/** How many countries get a series of their own in the monthly chart; the others are "Other". */
export const TOP_COUNTRIES = 5;

/** A warehouse without the pipeline's tables: the dashboard cannot be built until a pipeline has run. */
export class DashboardSourceError extends EcomError {}

type TableName = (schema: string, name: string) => string;

/**
 * The dashboard's SQL, all in one place. DuckDB dialect: this runs on the local warehouse only.
 * Sums stay DECIMAL until ROUND(..., 2); the TypeScript side only converts the rounded value.
 */
const QUERIES = {
  /*
   * Revenue over agg_daily_sales; orders and customers over the sale lines themselves, because
   * distinct counts do not add up across days (a customer buying on two days is one customer).
   * Cancellation rate = -cancelled_revenue / gross_revenue: the revenue of cancellation lines (stored
   * as zero or negative amounts) as a positive share of what was sold, e.g. 0.0123 for 1.23 %.
   */
  kpis: (t: TableName) => `
    WITH revenue AS (
      SELECT SUM(gross_revenue) AS gross, SUM(cancelled_revenue) AS cancelled, SUM(net_revenue) AS net
      FROM ${t(DATASETS.analytics, "agg_daily_sales")}
    ),
    counts AS (
      SELECT
        COUNT(DISTINCT fact_sales.invoice_no) AS orders,
        COUNT(DISTINCT CASE WHEN NOT dim_customers.is_unknown THEN dim_customers.customer_id END) AS customers
      FROM ${t(DATASETS.dwh, "fact_sales")} AS fact_sales
      INNER JOIN ${t(DATASETS.dwh, "dim_customers")} AS dim_customers
        ON fact_sales.customer_key = dim_customers.customer_key
      WHERE fact_sales.is_sale_line
    ),
    rfm AS (
      SELECT COUNT(*) AS customers, CAST(MAX(as_of_date) AS VARCHAR) AS as_of
      FROM ${t(DATASETS.analytics, "customer_rfm")}
    )
    SELECT
      ROUND(COALESCE(revenue.gross, 0), 2) AS gross_revenue,
      ROUND(COALESCE(revenue.net, 0), 2) AS net_revenue,
      counts.orders,
      counts.customers,
      ROUND(revenue.gross / NULLIF(counts.orders, 0), 2) AS average_order_value,
      ROUND(-revenue.cancelled / NULLIF(revenue.gross, 0), 6) AS cancellation_rate,
      rfm.as_of AS rfm_as_of,
      rfm.customers AS rfm_customers
    FROM revenue CROSS JOIN counts CROSS JOIN rfm`,

  period: (t: TableName) => `
    SELECT CAST(MIN(date) AS VARCHAR) AS first_date, CAST(MAX(date) AS VARCHAR) AS last_date
    FROM ${t(DATASETS.dwh, "dim_dates")}`,

  /* Over the calendar, so a day without sales is a zero in the average rather than a skipped day. */
  daily: (t: TableName) => `
    WITH day_totals AS (
      SELECT sales_date, SUM(gross_revenue) AS gross, SUM(net_revenue) AS net
      FROM ${t(DATASETS.analytics, "agg_daily_sales")}
      GROUP BY sales_date
    ),
    calendar AS (
      SELECT
        dim_dates.date,
        COALESCE(day_totals.gross, 0) AS gross,
        COALESCE(day_totals.net, 0) AS net
      FROM ${t(DATASETS.dwh, "dim_dates")} AS dim_dates
      LEFT JOIN day_totals ON day_totals.sales_date = dim_dates.date
    ),
    windowed AS (
      SELECT
        date, gross, net,
        AVG(gross) OVER last_7_days AS gross_ma7,
        COUNT(*) OVER last_7_days AS window_days
      FROM calendar
      WINDOW last_7_days AS (ORDER BY date ROWS BETWEEN 6 PRECEDING AND CURRENT ROW)
    )
    SELECT
      CAST(date AS VARCHAR) AS date,
      ROUND(gross, 2) AS gross,
      ROUND(net, 2) AS net,
      CASE WHEN window_days = 7 THEN ROUND(gross_ma7, 2) END AS gross_ma7
    FROM windowed
    ORDER BY date`,

  countryMonths: (t: TableName) => `
    WITH country_totals AS (
      SELECT country, SUM(gross_revenue) AS revenue
      FROM ${t(DATASETS.analytics, "agg_daily_sales")}
      GROUP BY country
    ),
    top_countries AS (
      SELECT country, ROW_NUMBER() OVER (ORDER BY revenue DESC, country) AS country_rank
      FROM country_totals
    ),
    grouped AS (
      SELECT
        CAST(DATE_TRUNC('month', agg.sales_date) AS DATE) AS month,
        CASE WHEN top_countries.country_rank <= ${TOP_COUNTRIES} THEN agg.country ELSE 'Other' END AS country_group,
        CASE WHEN top_countries.country_rank <= ${TOP_COUNTRIES} THEN top_countries.country_rank ELSE ${TOP_COUNTRIES + 1} END AS group_order,
        agg.gross_revenue
      FROM ${t(DATASETS.analytics, "agg_daily_sales")} AS agg
      INNER JOIN top_countries ON top_countries.country = agg.country
    )
    SELECT CAST(month AS VARCHAR) AS month, country_group, group_order, ROUND(SUM(gross_revenue), 2) AS revenue
    FROM grouped
    GROUP BY month, country_group, group_order
    ORDER BY group_order, month`,

  segments: (t: TableName) => `
    SELECT segment, segment_order, customers, ROUND(revenue, 2) AS revenue,
      share_of_customers, share_of_revenue, ROUND(avg_recency_days, 1) AS avg_recency_days
    FROM ${t(DATASETS.analytics, "agg_customer_segments")}
    ORDER BY segment_order`,

  /* The segment is a function of (r, f), so grouping by it keeps one row per cell. */
  rfGrid: (t: TableName) => `
    SELECT r_score, f_score, segment, COUNT(*) AS customers
    FROM ${t(DATASETS.analytics, "customer_rfm")}
    GROUP BY r_score, f_score, segment`,

  topProducts: (t: TableName) => `
    SELECT CAST(sales_month AS VARCHAR) AS month, rank, stock_code, description,
      ROUND(revenue, 2) AS revenue, units, share_of_month_revenue
    FROM ${t(DATASETS.analytics, "top_n_products_monthly")}
    ORDER BY sales_month, rank`,

  loadCounts: (t: TableName) => `
    SELECT
      (SELECT COUNT(*) FROM ${t(DATASETS.raw, "raw_sales")}) AS raw_rows,
      (SELECT COUNT(*) FROM ${t(DATASETS.staging, "stg_sales")}) AS staged_rows,
      (SELECT COUNT(*) FROM ${t(DATASETS.raw, "load_ledger")}) AS files_loaded`,

  rejectedByReason: (t: TableName) => `
    SELECT reject_reason, COUNT(*) AS rows
    FROM ${t(DATASETS.staging, "stg_sales_rejected")}
    GROUP BY reject_reason
    ORDER BY rows DESC, reject_reason`,

  malformedLines: (t: TableName) => `SELECT COUNT(*) AS lines FROM ${t(DATASETS.raw, "raw_sales_malformed")}`,
} as const;

/** Reads everything the dashboard shows; the run report adds the assertion counts of the last run. */
export async function collectDashboardData(warehouse: DuckDbWarehouse, runReport?: RunReportFile): Promise<DashboardData> {
  await requireTables(warehouse);
  const t: TableName = (schema, name) => warehouse.table(schema, name);
  // One connection runs one statement at a time, so the queries go one after the other.
  const run = (sql: string) => warehouse.query(sql);
  const kpiRows = await run(QUERIES.kpis(t));
  const periodRows = await run(QUERIES.period(t));
  const dailyRows = await run(QUERIES.daily(t));
  const countryRows = await run(QUERIES.countryMonths(t));
  const segmentRows = await run(QUERIES.segments(t));
  const gridRows = await run(QUERIES.rfGrid(t));
  const productRows = await run(QUERIES.topProducts(t));
  const quality = await collectQuality(warehouse, t, runReport);
  return {
    warehouse: path.basename(warehouse.file),
    generatedAt: new Date().toISOString(),
    period: toPeriod(periodRows[0]),
    kpis: toKpis(kpiRows[0]),
    daily: toDaily(dailyRows),
    countries: toCountryMonths(countryRows),
    segments: segmentRows.map(toSegment),
    rfGrid: toRfGrid(gridRows),
    topProducts: toTopProducts(productRows),
    quality,
  };
}

/** Refuses a warehouse the pipeline has not built, naming what is missing and what to run. */
async function requireTables(warehouse: DuckDbWarehouse): Promise<void> {
  const missing: string[] = [];
  for (const table of REQUIRED_TABLES) {
    if (!(await warehouse.tableExists(table.schema, table.name))) missing.push(`${table.schema}.${table.name}`);
  }
  if (missing.length === 0) return;
  throw new DashboardSourceError(
    `The warehouse ${warehouse.file} has no ${missing.length === REQUIRED_TABLES.length ? "pipeline tables" : missing.join(", ")}: ` +
      `run \`ecom pipeline --db ${warehouse.file}\` first, then build the dashboard.`
  );
}

async function collectQuality(warehouse: DuckDbWarehouse, t: TableName, runReport: RunReportFile | undefined): Promise<DataQuality> {
  const counts = await warehouse.query(QUERIES.loadCounts(t));
  const reasons = await warehouse.query(QUERIES.rejectedByReason(t));
  // raw_sales_malformed is created by the first load that sets a line aside; older warehouses lack it.
  const malformedLines = (await warehouse.tableExists(DATASETS.raw, "raw_sales_malformed"))
    ? toNumber((await warehouse.query(QUERIES.malformedLines(t)))[0]?.lines)
    : 0;
  const rejectedByReason = reasons.map((row) => ({ reason: String(row.reject_reason), rows: toNumber(row.rows) }));
  return {
    rawRows: toNumber(counts[0]?.raw_rows),
    stagedRows: toNumber(counts[0]?.staged_rows),
    rejectedRows: rejectedByReason.reduce((total, reason) => total + reason.rows, 0),
    rejectedByReason,
    malformedLines,
    filesLoaded: toNumber(counts[0]?.files_loaded),
    lastRun: runReport ? summariseRun(runReport) : null,
  };
}

/** Assertion outcomes of the run, counted as `ecom pipeline` prints them. */
export function summariseRun(report: RunReportFile): NonNullable<DataQuality["lastRun"]> {
  const assertions = report.actions.filter((action) => action.kind === "assertion");
  const passed = assertions.filter((action) => action.status === "succeeded").length;
  const failed = assertions.filter((action) => action.status === "failed").length;
  return {
    startedAt: report.startedAt,
    succeeded: report.succeeded,
    assertionsPassed: passed,
    assertionsFailed: failed,
    assertionsSkipped: assertions.length - passed - failed,
  };
}

function toKpis(row: Row | undefined): DashboardKpis {
  return {
    grossRevenue: toNumber(row?.gross_revenue),
    netRevenue: toNumber(row?.net_revenue),
    orders: toNumber(row?.orders),
    customers: toNumber(row?.customers),
    averageOrderValue: toNullableNumber(row?.average_order_value),
    cancellationRate: toNullableNumber(row?.cancellation_rate),
    rfmAsOf: toNullableString(row?.rfm_as_of),
    rfmCustomers: toNumber(row?.rfm_customers),
  };
}

function toPeriod(row: Row | undefined): DashboardData["period"] {
  const first = toNullableString(row?.first_date);
  const last = toNullableString(row?.last_date);
  return first && last ? { first, last } : null;
}

function toDaily(rows: Row[]): DailyRevenue {
  return {
    dates: rows.map((row) => String(row.date)),
    gross: rows.map((row) => toNumber(row.gross)),
    net: rows.map((row) => toNumber(row.net)),
    grossMovingAverage7: rows.map((row) => toNullableNumber(row.gross_ma7)),
  };
}

/** Pivots (month, country, revenue) rows into one array per country over every month; missing months are 0. */
function toCountryMonths(rows: Row[]): CountryMonths {
  const months = [...new Set(rows.map((row) => String(row.month)))].sort();
  const monthIndex = new Map(months.map((month, index) => [month, index]));
  const series = new Map<string, number[]>();
  for (const row of rows) {
    const country = String(row.country_group);
    const revenue = series.get(country) ?? months.map(() => 0);
    revenue[monthIndex.get(String(row.month)) ?? 0] = toNumber(row.revenue);
    series.set(country, revenue);
  }
  // Rows come ordered by country rank, "Other" last, and a Map keeps insertion order.
  return { months, series: [...series].map(([country, revenue]) => ({ country, revenue })) };
}

function toSegment(row: Row): SegmentSummary {
  return {
    segment: String(row.segment),
    segmentOrder: toNumber(row.segment_order),
    customers: toNumber(row.customers),
    revenue: toNumber(row.revenue),
    shareOfCustomers: toNullableShare(row.share_of_customers),
    shareOfRevenue: toNullableShare(row.share_of_revenue),
    avgRecencyDays: toNullableNumber(row.avg_recency_days),
  };
}

function toRfGrid(rows: Row[]): RfCell[] {
  const cells: RfCell[] = [];
  for (let r = 5; r >= 1; r -= 1) {
    for (let f = 1; f <= 5; f += 1) {
      const row = rows.find((candidate) => toNumber(candidate.r_score) === r && toNumber(candidate.f_score) === f);
      cells.push({ r, f, customers: row ? toNumber(row.customers) : 0, segment: row ? String(row.segment) : null });
    }
  }
  return cells;
}

function toTopProducts(rows: Row[]): MonthTopProducts[] {
  const months = new Map<string, MonthTopProducts>();
  for (const row of rows) {
    const month = String(row.month);
    const entry = months.get(month) ?? { month, products: [] };
    entry.products.push({
      rank: toNumber(row.rank),
      stockCode: String(row.stock_code),
      description: toNullableString(row.description),
      revenue: toNumber(row.revenue),
      units: toNumber(row.units),
      share: roundTo(toNumber(row.share_of_month_revenue), 4),
    });
    months.set(month, entry);
  }
  return [...months.values()];
}

/** BIGINT and DECIMAL arrive as strings (see DuckDbWarehouse); NULL counts as zero. */
function toNumber(value: Json | undefined): number {
  return value === null || value === undefined ? 0 : Number(value);
}

function toNullableNumber(value: Json | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** Shares (0 to 1) to four decimals: enough for a percentage with two, and a shorter JSON. */
function toNullableShare(value: Json | undefined): number | null {
  const share = toNullableNumber(value);
  return share === null ? null : roundTo(share, 4);
}

function toNullableString(value: Json | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
