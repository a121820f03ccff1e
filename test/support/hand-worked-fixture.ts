import * as fs from "node:fs";
import * as path from "node:path";
import type { JsonRow } from "../../scripts/googlesql/evaluate";
import { PROJECT_ROOT } from "../../scripts/paths";
import { runPipeline, type PipelineResult } from "../../scripts/pipeline";
import type { DuckDbWarehouse } from "../../scripts/warehouse/duckdb";
import { silentOutput } from "./temp";
import { DATASETS } from "../../scripts/config";

/*
 * Thirteen lines in the form of data.csv, and every table they produce, worked out by hand (see the
 * comments beside each expectation). Line 11 cannot be typed; line 13 is a bad-debt adjustment.
 * The DuckDB pipeline and the BigQuery graph executed on ZetaSQL are held to these same values.
 *
 *  line  invoice  code    qty  date         price  customer  country         line_amount
 *   1    536001   85123A   6   12/1/2010    2.55   17850     United Kingdom   15.30
 *   2    536001   71053    6   12/1/2010    3.39   17850     United Kingdom   20.34
 *   3    536001   POST     1   12/1/2010    18     17850     United Kingdom   18.00  (not a product)
 *   4    536002   22423    2   12/1/2010    12.75  12583     France           25.50
 *   5    536003   85123a  12   12/1/2010    2.55   (none)    United Kingdom   30.60  (anonymous, code lower-case, blanks)
 *   6    C536004  71053   -2   12/2/2010    3.39   17850     United Kingdom   -6.78  (cancellation)
 *   7    536005   22423    1   12/3/2010    12.75  13047     United Kingdom   12.75
 *   8    536005   22423    1   12/3/2010    12.75  13047     United Kingdom   12.75  (exact copy of line 7)
 *   9    536006   85123A   4   1/4/2011     2.55   12583     France           10.20
 *  10    536007   71053   10   1/5/2011     3.39   14000     United Kingdom   33.90
 *  11    536008   22423   two  1/5/2011     12.75  14000     United Kingdom   rejected: invalid quantity
 *  12    536009   M        1   1/5/2011     5      14000     United Kingdom    5.00  (manual line, not a product)
 *  13    A536010  B        1   1/6/2011     -100   (none)    United Kingdom -100.00  (adjustment)
 */
export const FIXTURE_CSV = [
  "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
  "536001,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom",
  "536001,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850,United Kingdom",
  "536001,POST,POSTAGE,1,12/1/2010 8:26,18,17850,United Kingdom",
  "536002,22423,REGENCY CAKESTAND 3 TIER,2,12/1/2010 9:00,12.75,12583,France",
  "536003,85123a, WHITE HANGING HEART T-LIGHT HOLDER ,12,12/1/2010 10:00,2.55,,United Kingdom",
  "C536004,71053,WHITE METAL LANTERN,-2,12/2/2010 11:00,3.39,17850,United Kingdom",
  "536005,22423,REGENCY CAKESTAND 3 TIER,1,12/3/2010 12:00,12.75,13047,United Kingdom",
  "536005,22423,REGENCY CAKESTAND 3 TIER,1,12/3/2010 12:00,12.75,13047,United Kingdom",
  "536006,85123A,WHITE HANGING HEART T-LIGHT HOLDER,4,1/4/2011 10:00,2.55,12583,France",
  "536007,71053,WHITE METAL LANTERN,10,1/5/2011 9:30,3.39,14000,United Kingdom",
  "536008,22423,REGENCY CAKESTAND 3 TIER,two,1/5/2011 9:30,12.75,14000,United Kingdom",
  "536009,M,Manual,1,1/5/2011 15:00,5,14000,United Kingdom",
  "A536010,B,Adjust bad debt,1,1/6/2011 9:00,-100,,United Kingdom",
].join("\n");

/** The file name the fixture is landed under (raw_sales._source_file). */
export const FIXTURE_FILE_NAME = "fixture.csv";

/** The vars the fixture runs with: the top 2 products of each month, so the cut-off shows on 13 lines. */
export const FIXTURE_VARS: Readonly<Record<string, string>> = { top_n: "2" };

/**
 * A table's rows by `schema.name`, in DuckDB's JSON shape (INT64 and NUMERIC as decimal strings,
 * NUMERIC with 9 decimals, DATE `YYYY-MM-DD`, DATETIME `YYYY-MM-DD HH:MM:SS`, FLOAT64 a number):
 * `SELECT *` on DuckDB and the ZetaSQL evaluation give rows of that shape alike.
 */
export type TableRows = (table: string) => readonly JsonRow[];

/** Lands the fixture in a new DuckDB warehouse in `dir` and runs the whole graph on it with ecom's pipeline. */
export async function runFixturePipeline(dir: string): Promise<{ db: string; result: PipelineResult }> {
  const source = path.join(dir, FIXTURE_FILE_NAME);
  fs.writeFileSync(source, `${FIXTURE_CSV}\n`);
  const db = path.join(dir, "fixture.duckdb");
  const result = await runPipeline({ sources: [source], db, projectDir: PROJECT_ROOT, vars: { ...FIXTURE_VARS }, fullRefresh: false, output: silentOutput });
  return { db, result };
}

/** The rows of `tables` (`schema.name`) as DuckDB holds them; asking for any other table is a test's mistake. */
export async function readTables(warehouse: DuckDbWarehouse, tables: readonly string[]): Promise<TableRows> {
  const rows = new Map<string, JsonRow[]>();
  for (const table of tables) rows.set(table, (await warehouse.query(`SELECT * FROM ${table}`)) as JsonRow[]);
  return (table) => {
    const found = rows.get(table);
    if (!found) throw new Error(`${table} was not read`);
    return found;
  };
}

/** One hand-worked expectation: what it reads from the tables, and the value worked out by hand. */
export interface HandWorkedCheck {
  title: string;
  actual(tables: TableRows): unknown;
  expected: unknown;
}

export const HAND_WORKED_CHECKS: readonly HandWorkedCheck[] = [
  {
    title: "lands all 13 lines and rejects only line 11, naming the reason and the line",
    actual: (tables) => ({
      raw: tables(`${DATASETS.raw}.raw_sales`).length,
      staged: tables(`${DATASETS.staging}.stg_sales`).length,
      rejected: pick(tables(`${DATASETS.staging}.stg_sales_rejected`), ["reject_reason", "quantity", "_source_row", "_source_file"]),
    }),
    expected: {
      raw: 13,
      staged: 12,
      rejected: [{ reject_reason: "invalid quantity", quantity: "two", _source_row: "11", _source_file: FIXTURE_FILE_NAME }],
    },
  },
  {
    title: "stages lines typed and cleaned: trimmed, upper-cased codes, flags, exact amounts",
    actual: (tables) => {
      const staged = tables(`${DATASETS.staging}.stg_sales`);
      const sample = sortBy(
        staged.filter((row) => ["5", "6", "12", "13"].includes(String(row._source_row))),
        (row) => [Number(row._source_row)]
      );
      const invoice536005 = staged.filter((row) => row.invoice_no === "536005");
      return {
        sample: pick(sample, ["stock_code", "description", "customer_id", "line_amount", "invoice_ts", "is_cancellation", "is_adjustment", "is_product", "is_sale_line"]),
        invoice536005: { lines: invoice536005.length, keys: new Set(invoice536005.map((row) => row.sales_line_id)).size },
      };
    },
    expected: {
      sample: [
        { stock_code: "85123A", description: "WHITE HANGING HEART T-LIGHT HOLDER", customer_id: null, line_amount: "30.600000000", invoice_ts: "2010-12-01 10:00:00", is_cancellation: false, is_adjustment: false, is_product: true, is_sale_line: true },
        { stock_code: "71053", description: "WHITE METAL LANTERN", customer_id: "17850", line_amount: "-6.780000000", invoice_ts: "2010-12-02 11:00:00", is_cancellation: true, is_adjustment: false, is_product: true, is_sale_line: false },
        { stock_code: "M", description: "Manual", customer_id: "14000", line_amount: "5.000000000", invoice_ts: "2011-01-05 15:00:00", is_cancellation: false, is_adjustment: false, is_product: false, is_sale_line: true },
        { stock_code: "B", description: "Adjust bad debt", customer_id: null, line_amount: "-100.000000000", invoice_ts: "2011-01-06 09:00:00", is_cancellation: false, is_adjustment: true, is_product: false, is_sale_line: false },
      ],
      // Lines 7 and 8 are identical: both kept, with different keys.
      invoice536005: { lines: 2, keys: 2 },
    },
  },
  {
    title: "builds fact_sales with every staged line, summing to 77.56",
    actual: (tables) => {
      const facts = tables(`${DATASETS.dwh}.fact_sales`);
      const unknownKeys = new Set(tables(`${DATASETS.dwh}.dim_customers`).filter((row) => row.is_unknown === true).map((row) => row.customer_key));
      return {
        lines: facts.length,
        amount: sumDecimal(facts.map((row) => row.line_amount)),
        anonymousLines: facts.filter((row) => unknownKeys.has(row.customer_key)).length,
      };
    },
    expected: {
      lines: 12,
      // 15.30 + 20.34 + 18.00 + 25.50 + 30.60 - 6.78 + 12.75 + 12.75 + 10.20 + 33.90 + 5.00 - 100.00
      amount: "77.560000000",
      // The anonymous lines (5 and 13) point to the unknown member.
      anonymousLines: 2,
    },
  },
  {
    title: "builds dim_customers: four customers and the unknown member, with lifetime sale figures",
    actual: (tables) =>
      pick(sortBy(tables(`${DATASETS.dwh}.dim_customers`), (row) => [row.customer_id]), [
        "customer_id", "country", "first_order_date", "last_order_date", "orders", "revenue", "is_unknown",
      ]),
    expected: [
      { customer_id: "12583", country: "France", first_order_date: "2010-12-01", last_order_date: "2011-01-04", orders: "2", revenue: "35.700000000", is_unknown: false },
      { customer_id: "13047", country: "United Kingdom", first_order_date: "2010-12-03", last_order_date: "2010-12-03", orders: "1", revenue: "25.500000000", is_unknown: false },
      { customer_id: "14000", country: "United Kingdom", first_order_date: "2011-01-05", last_order_date: "2011-01-05", orders: "2", revenue: "38.900000000", is_unknown: false },
      // the cancellation (-6.78) is not a sale line, so revenue is 15.30 + 20.34 + 18.00
      { customer_id: "17850", country: "United Kingdom", first_order_date: "2010-12-01", last_order_date: "2010-12-01", orders: "1", revenue: "53.640000000", is_unknown: false },
      { customer_id: null, country: null, first_order_date: null, last_order_date: null, orders: "0", revenue: "0.000000000", is_unknown: true },
    ],
  },
  {
    title: "builds dim_products: one row per upper-cased code, with descriptions and categories",
    actual: (tables) => pick(sortBy(tables(`${DATASETS.dwh}.dim_products`), (row) => [row.stock_code]), ["stock_code", "description", "is_product", "category"]),
    expected: [
      { stock_code: "22423", description: "REGENCY CAKESTAND 3 TIER", is_product: true, category: "Kitchen & Dining" },
      { stock_code: "71053", description: "WHITE METAL LANTERN", is_product: true, category: "Candles & Lighting" },
      { stock_code: "85123A", description: "WHITE HANGING HEART T-LIGHT HOLDER", is_product: true, category: "Candles & Lighting" },
      { stock_code: "B", description: "Adjust bad debt", is_product: false, category: "Non-product" },
      { stock_code: "M", description: "Manual", is_product: false, category: "Non-product" },
      { stock_code: "POST", description: "POSTAGE", is_product: false, category: "Non-product" },
    ],
  },
  {
    title: "builds dim_dates from 2010-12-01 to 2011-01-06 without gaps (37 days)",
    actual: (tables) => {
      const days = sortBy(tables(`${DATASETS.dwh}.dim_dates`), (row) => [Number(row.date_key)]);
      return {
        days: days.length,
        firstKey: days[0]?.date_key,
        lastKey: days[days.length - 1]?.date_key,
        weekendDays: days.filter((row) => row.is_weekend === true).length,
        jan2: pick(days.filter((row) => row.date_key === "20110102"), ["month_name", "iso_week", "day_of_week", "day_name", "quarter"]),
      };
    },
    expected: {
      days: 37,
      firstKey: "20101201",
      lastKey: "20110106",
      // weekends: Dec 4-5, 11-12, 18-19, 25-26 and Jan 1-2
      weekendDays: 10,
      jan2: [{ month_name: "January", iso_week: "52", day_of_week: "7", day_name: "Sunday", quarter: "1" }],
    },
  },
  {
    title: "aggregates daily sales by country, with cancellations apart and adjustments ignored",
    actual: (tables) =>
      sortBy(tables(`${DATASETS.analytics}.agg_daily_sales`), (row) => [row.sales_date, row.country]).map((row) => ({
        sales_date: row.sales_date, country: row.country, gross: row.gross_revenue, cancelled: row.cancelled_revenue, net: row.net_revenue,
        orders: row.orders, customers: row.customers, units: row.units, aov: row.avg_order_value,
      })),
    expected: [
      { sales_date: "2010-12-01", country: "France", gross: "25.500000000", cancelled: "0.000000000", net: "25.500000000", orders: "1", customers: "1", units: "2", aov: "25.500000000" },
      // lines 1, 2, 3, 5: 15.30 + 20.34 + 18.00 + 30.60 over invoices 536001 and 536003; one known customer
      { sales_date: "2010-12-01", country: "United Kingdom", gross: "84.240000000", cancelled: "0.000000000", net: "84.240000000", orders: "2", customers: "1", units: "25", aov: "42.120000000" },
      { sales_date: "2010-12-02", country: "United Kingdom", gross: "0.000000000", cancelled: "-6.780000000", net: "-6.780000000", orders: "0", customers: "0", units: "0", aov: null },
      { sales_date: "2010-12-03", country: "United Kingdom", gross: "25.500000000", cancelled: "0.000000000", net: "25.500000000", orders: "1", customers: "1", units: "2", aov: "25.500000000" },
      { sales_date: "2011-01-04", country: "France", gross: "10.200000000", cancelled: "0.000000000", net: "10.200000000", orders: "1", customers: "1", units: "4", aov: "10.200000000" },
      { sales_date: "2011-01-05", country: "United Kingdom", gross: "38.900000000", cancelled: "0.000000000", net: "38.900000000", orders: "2", customers: "1", units: "11", aov: "19.450000000" },
    ],
  },
  {
    title: "scores RFM with the customer_id tie-break and maps segments",
    actual: (tables) =>
      pick(sortBy(tables(`${DATASETS.analytics}.customer_rfm`), (row) => [row.customer_id]), [
        "customer_id", "recency_days", "frequency", "monetary", "r_score", "f_score", "m_score", "rfm_cell", "segment", "as_of_date",
      ]),
    // as_of = last invoice date (2011-01-06, the adjustment) + 1 day.
    // recency: 17850 37, 13047 35, 12583 3, 14000 2. frequency: 13047 1, 17850 1 (tie), 12583 2, 14000 2 (tie).
    // monetary: 13047 25.50, 12583 35.70, 14000 38.90, 17850 53.64. NTILE(5) over 4 customers: 1, 2, 3, 4.
    expected: [
      { customer_id: "12583", recency_days: "3", frequency: "2", monetary: "35.700000000", r_score: "3", f_score: "3", m_score: "2", rfm_cell: "332", segment: "Need Attention", as_of_date: "2011-01-07" },
      { customer_id: "13047", recency_days: "35", frequency: "1", monetary: "25.500000000", r_score: "2", f_score: "1", m_score: "1", rfm_cell: "211", segment: "Hibernating", as_of_date: "2011-01-07" },
      { customer_id: "14000", recency_days: "2", frequency: "2", monetary: "38.900000000", r_score: "4", f_score: "4", m_score: "3", rfm_cell: "443", segment: "Loyal Customers", as_of_date: "2011-01-07" },
      { customer_id: "17850", recency_days: "37", frequency: "1", monetary: "53.640000000", r_score: "1", f_score: "2", m_score: "4", rfm_cell: "124", segment: "Hibernating", as_of_date: "2011-01-07" },
    ],
  },
  {
    title: "summarises every segment of the map, empty ones included",
    actual: (tables) => {
      const segments = pick(sortBy(tables(`${DATASETS.analytics}.agg_customer_segments`), (row) => [Number(row.segment_order)]), [
        "segment", "customers", "share_of_customers", "revenue", "share_of_revenue", "avg_recency_days", "avg_frequency", "avg_monetary",
      ]);
      const bySegment = new Map(segments.map((segment) => [segment.segment, segment]));
      return {
        segments: segments.length,
        first: segments[0]?.segment,
        ...Object.fromEntries(["Hibernating", "Need Attention", "Loyal Customers", "Champions"].map((name) => [name, bySegment.get(name)])),
      };
    },
    // population: 4 customers, revenue 53.64 + 35.70 + 25.50 + 38.90 = 153.74
    expected: {
      segments: 10,
      first: "Champions",
      Hibernating: {
        segment: "Hibernating", customers: "2", share_of_customers: 0.5, revenue: "79.140000000",
        share_of_revenue: 79.14 / 153.74, avg_recency_days: 36, avg_frequency: 1, avg_monetary: "39.570000000",
      },
      "Need Attention": {
        segment: "Need Attention", customers: "1", share_of_customers: 0.25, revenue: "35.700000000",
        share_of_revenue: 35.7 / 153.74, avg_recency_days: 3, avg_frequency: 2, avg_monetary: "35.700000000",
      },
      "Loyal Customers": {
        segment: "Loyal Customers", customers: "1", share_of_customers: 0.25, revenue: "38.900000000",
        share_of_revenue: 38.9 / 153.74, avg_recency_days: 2, avg_frequency: 2, avg_monetary: "38.900000000",
      },
      Champions: {
        segment: "Champions", customers: "0", share_of_customers: 0, revenue: "0.000000000",
        share_of_revenue: 0, avg_recency_days: null, avg_frequency: null, avg_monetary: null,
      },
    },
  },
  {
    title: "keeps the top 2 products of each month (var top_n=2), ranked by revenue",
    actual: (tables) =>
      pick(sortBy(tables(`${DATASETS.analytics}.top_n_products_monthly`), (row) => [row.sales_month, Number(row.rank)]), [
        "sales_month", "rank", "stock_code", "revenue", "units", "orders", "share_of_month_revenue",
      ]),
    expected: [
      // December product revenue: 22423 51.00 (lines 4, 7, 8), 85123A 45.90 (lines 1, 5), 71053 20.34 (line 2): 117.24
      { sales_month: "2010-12-01", rank: "1", stock_code: "22423", revenue: "51.000000000", units: "4", orders: "2", share_of_month_revenue: 51 / 117.24 },
      { sales_month: "2010-12-01", rank: "2", stock_code: "85123A", revenue: "45.900000000", units: "18", orders: "2", share_of_month_revenue: 45.9 / 117.24 },
      // January: 71053 33.90 (line 10), 85123A 10.20 (line 9): 44.10; the manual line M is not a product
      { sales_month: "2011-01-01", rank: "1", stock_code: "71053", revenue: "33.900000000", units: "10", orders: "1", share_of_month_revenue: 33.9 / 44.1 },
      { sales_month: "2011-01-01", rank: "2", stock_code: "85123A", revenue: "10.200000000", units: "4", orders: "1", share_of_month_revenue: 10.2 / 44.1 },
    ],
  },
];

/** The rows with only the named columns, in that order. */
function pick(rows: readonly JsonRow[], columns: readonly string[]): JsonRow[] {
  return rows.map((row) => Object.fromEntries(columns.map((column) => [column, row[column] ?? null])));
}

type SortKey = string | number | boolean | null | undefined;

/** Rows ordered by the keys `key` gives, NULLs last (as `ORDER BY ... NULLS LAST`). */
function sortBy(rows: readonly JsonRow[], key: (row: JsonRow) => SortKey[]): JsonRow[] {
  const compare = (a: SortKey, b: SortKey): number => {
    if (a === b) return 0;
    if (a === null || a === undefined) return 1;
    if (b === null || b === undefined) return -1;
    return a < b ? -1 : 1;
  };
  return [...rows].sort((left, right) => {
    const [a, b] = [key(left), key(right)];
    for (let index = 0; index < a.length; index += 1) {
      const order = compare(a[index], b[index]);
      if (order !== 0) return order;
    }
    return 0;
  });
}

/** The exact sum of NUMERIC values (decimal strings with 9 decimals), as a NUMERIC string. */
function sumDecimal(values: readonly (JsonRow[string] | undefined)[]): string {
  const scaled = values.reduce<bigint>((total, value) => {
    if (typeof value !== "string" || !/^-?\d+\.\d{9}$/.test(value)) throw new Error(`${JSON.stringify(value)} is not a NUMERIC value`);
    return total + BigInt(value.replace(".", ""));
  }, 0n);
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(10, "0");
  return `${negative ? "-" : ""}${digits.slice(0, -9)}.${digits.slice(-9)}`;
}
