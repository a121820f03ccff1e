import * as path from "node:path";
import type { Json } from "@duckdb/node-api";
import { EcomError } from "../errors";
import type { RunReportFile } from "../runner/run-report";
import type { Row, Warehouse } from "../warehouse/warehouse";
import { DASHBOARD_DATASET, DASHBOARD_TABLES, type DashboardTable } from "./read-models";

/**
 * Everything the local dashboard shows, read from the dashboard's tables (definitions/dashboard/ and
 * the analytics tables tagged `dashboard`), which compute every figure: this module only reads them
 * whole and shapes the rows for the page. The page gets it as JSON, so it holds aggregates only (a
 * few hundred numbers), never sales lines. Money is a number of pounds rounded to the penny from the
 * exact DECIMAL text, so no float arithmetic touches a total.
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
  /** The segment the map gives the cell, empty or not. */
  segment: string;
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
  /** Lines the loader set aside in raw_sales_malformed. */
  malformedLines: number;
  /** File versions recorded in load_ledger. */
  filesLoaded: number;
  /** From the last run report; null when there is none ("not known" on the page). */
  lastRun: { startedAt: string; succeeded: boolean; assertionsPassed: number; assertionsFailed: number; assertionsSkipped: number } | null;
}

/** The tables the page is built on; without them there is nothing to show. */
export const REQUIRED_TABLES: readonly { schema: string; name: string }[] = Object.values(DASHBOARD_TABLES).map((table) => ({
  schema: DASHBOARD_DATASET,
  name: table.name,
}));

/** A warehouse without the pipeline's tables: the dashboard cannot be built until a pipeline has run. */
export class DashboardSourceError extends EcomError {}

/**
 * Each table whole, in the order the page lists it (always by a key or a rank column of the table).
 * No figure is computed here: a change to one belongs in the table's SQLX, with its tests.
 */
const READ_ORDER: Record<DashboardTable, string> = {
  kpis: "",
  dailyRevenue: "ORDER BY sales_date",
  countryMonthlyRevenue: "ORDER BY country_rank, sales_month",
  segments: "ORDER BY segment_order",
  rfGrid: "ORDER BY r_score DESC, f_score",
  topProducts: "ORDER BY sales_month, rank",
  dataQuality: "",
  rejectsByReason: "ORDER BY reason_rank",
};

/** Reads everything the dashboard shows; the run report adds the assertion counts of the last run. */
export async function collectDashboardData(warehouse: Warehouse, runReport?: RunReportFile): Promise<DashboardData> {
  await requireTables(warehouse);
  // One connection runs one statement at a time, so the tables are read one after the other.
  const rows = {} as Record<DashboardTable, Row[]>;
  for (const [key, table] of Object.entries(DASHBOARD_TABLES) as [DashboardTable, { name: string }][]) {
    rows[key] = await warehouse.query(`SELECT * FROM ${warehouse.table(DASHBOARD_DATASET, table.name)} ${READ_ORDER[key]}`);
  }
  return {
    warehouse: path.basename(warehouse.file),
    generatedAt: new Date().toISOString(),
    period: toPeriod(rows.kpis[0]),
    kpis: toKpis(rows.kpis[0]),
    daily: toDaily(rows.dailyRevenue),
    countries: toCountryMonths(rows.countryMonthlyRevenue),
    segments: rows.segments.map(toSegment),
    rfGrid: rows.rfGrid.map(toRfCell),
    topProducts: toTopProducts(rows.topProducts),
    quality: toQuality(rows.dataQuality[0], rows.rejectsByReason, runReport),
  };
}

/** Refuses a warehouse the pipeline has not built, naming what is missing and what to run. */
async function requireTables(warehouse: Warehouse): Promise<void> {
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
    grossRevenue: toMoney(row?.gross_revenue) ?? 0,
    netRevenue: toMoney(row?.net_revenue) ?? 0,
    orders: toNumber(row?.orders),
    customers: toNumber(row?.customers),
    averageOrderValue: toNullableNumber(row?.average_order_value),
    cancellationRate: toNullableNumber(row?.cancellation_rate),
    rfmAsOf: toNullableString(row?.rfm_as_of_date),
    rfmCustomers: toNumber(row?.rfm_customers),
  };
}

function toPeriod(row: Row | undefined): DashboardData["period"] {
  const first = toNullableString(row?.first_sales_date);
  const last = toNullableString(row?.last_sales_date);
  return first && last ? { first, last } : null;
}

function toDaily(rows: Row[]): DailyRevenue {
  return {
    dates: rows.map((row) => String(row.sales_date)),
    gross: rows.map((row) => toMoney(row.gross_revenue) ?? 0),
    net: rows.map((row) => toMoney(row.net_revenue) ?? 0),
    grossMovingAverage7: rows.map((row) => toNullableNumber(row.gross_revenue_7_day_average)),
  };
}

/** One array per country group over every month, in rank order; a month without a row for a group is 0. */
function toCountryMonths(rows: Row[]): CountryMonths {
  const months = [...new Set(rows.map((row) => String(row.sales_month)))].sort();
  const monthIndex = new Map(months.map((month, index) => [month, index]));
  const series = new Map<string, number[]>();
  for (const row of rows) {
    const country = String(row.country_group);
    const revenue = series.get(country) ?? months.map(() => 0);
    revenue[monthIndex.get(String(row.sales_month)) ?? 0] = toMoney(row.gross_revenue) ?? 0;
    series.set(country, revenue);
  }
  // Rows come ordered by country rank, "Other" last, and a Map keeps insertion order.
  return { months, series: [...series].map(([country, revenue]) => ({ country, revenue })) };
}

function toSegment(row: Row): SegmentSummary {
  const recency = toNullableNumber(row.avg_recency_days);
  return {
    segment: String(row.segment),
    segmentOrder: toNumber(row.segment_order),
    customers: toNumber(row.customers),
    revenue: toMoney(row.revenue) ?? 0,
    shareOfCustomers: toNullableShare(row.share_of_customers),
    shareOfRevenue: toNullableShare(row.share_of_revenue),
    // Days to one decimal: the page shows whole days; more digits would only lengthen the JSON.
    avgRecencyDays: recency === null ? null : roundTo(recency, 1),
  };
}

function toRfCell(row: Row): RfCell {
  return { r: toNumber(row.r_score), f: toNumber(row.f_score), customers: toNumber(row.customers), segment: String(row.segment) };
}

function toTopProducts(rows: Row[]): MonthTopProducts[] {
  const months = new Map<string, MonthTopProducts>();
  for (const row of rows) {
    const month = String(row.sales_month);
    const entry = months.get(month) ?? { month, products: [] };
    entry.products.push({
      rank: toNumber(row.rank),
      stockCode: String(row.stock_code),
      description: toNullableString(row.description),
      revenue: toMoney(row.revenue) ?? 0,
      units: toNumber(row.units),
      share: roundTo(toNumber(row.share_of_month_revenue), 4),
    });
    months.set(month, entry);
  }
  return [...months.values()];
}

function toQuality(row: Row | undefined, reasons: Row[], runReport: RunReportFile | undefined): DataQuality {
  return {
    rawRows: toNumber(row?.raw_rows),
    stagedRows: toNumber(row?.staged_rows),
    rejectedRows: toNumber(row?.rejected_rows),
    rejectedByReason: reasons.map((reason) => ({ reason: String(reason.reject_reason), rows: toNumber(reason.rejected_rows) })),
    malformedLines: toNumber(row?.malformed_lines),
    filesLoaded: toNumber(row?.files_loaded),
    lastRun: runReport ? summariseRun(runReport) : null,
  };
}

/**
 * A DECIMAL (DuckDB gives its exact text) as pounds to the penny, rounded half away from zero on the
 * digits themselves, as SQL's ROUND(x, 2) does; null for NULL.
 */
export function toMoney(value: Json | undefined): number | null {
  if (value === null || value === undefined) return null;
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(String(value));
  if (!match) return Number(value);
  const [, sign = "", whole = "0", fraction = ""] = match;
  const pennies = (BigInt(whole + fraction.padEnd(3, "0").slice(0, 3)) + 5n) / 10n;
  const digits = pennies.toString().padStart(3, "0");
  return Number(`${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`);
}

/** BIGINT and DECIMAL arrive as strings (see scripts/warehouse/warehouse.ts); NULL counts as zero. */
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
