import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type { CompiledTable } from "../../scripts/dataform/compiled-graph";
import { PROJECT_ROOT } from "../../scripts/paths";
import { runPipeline, type PipelineResult } from "../../scripts/pipeline";
import { DuckDbWarehouse, type Row } from "../../scripts/warehouse/duckdb";
import { makeTempDir, silentOutput } from "../support/temp";

/*
 * Thirteen lines in the form of data.csv, and every table they produce, worked out by hand (see the
 * comments beside each expectation). Line 11 cannot be typed; line 13 is a bad-debt adjustment.
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
const FIXTURE = [
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

describe("the pipeline on a hand-worked fixture", function () {
  this.timeout(120_000);
  const temp = makeTempDir("ecom-fixture");
  const db = path.join(temp.dir, "fixture.duckdb");
  let warehouse: DuckDbWarehouse;
  let result: PipelineResult;

  const rows = (sql: string): Promise<Row[]> => warehouse.query(sql);

  before(async () => {
    const source = path.join(temp.dir, "fixture.csv");
    fs.writeFileSync(source, `${FIXTURE}\n`);
    result = await runPipeline({
      sources: [source],
      db,
      projectDir: PROJECT_ROOT,
      vars: { top_n: "2" },
      fullRefresh: false,
      output: silentOutput,
    });
    warehouse = await DuckDbWarehouse.open(db);
  });

  after(() => {
    warehouse?.close();
    temp.remove();
  });

  it("runs every action and every assertion successfully", () => {
    const failed = result.run.actions.filter((action) => action.status !== "succeeded");
    assert.deepEqual(failed, []);
    assert.ok(result.run.actions.filter((action) => action.kind === "assertion").length >= 20);
  });

  it("lands all 13 lines and rejects only line 11, naming the reason and the line", async () => {
    assert.deepEqual(await rows("SELECT COUNT(*) AS n FROM ecommerce_raw.raw_sales"), [{ n: "13" }]);
    assert.deepEqual(await rows("SELECT COUNT(*) AS n FROM ecommerce_staging.stg_sales"), [{ n: "12" }]);
    assert.deepEqual(
      await rows("SELECT reject_reason, quantity, _source_row, _source_file FROM ecommerce_staging.stg_sales_rejected"),
      [{ reject_reason: "invalid quantity", quantity: "two", _source_row: "11", _source_file: "fixture.csv" }]
    );
  });

  it("stages lines typed and cleaned: trimmed, upper-cased codes, flags, exact amounts", async () => {
    assert.deepEqual(
      await rows(`SELECT stock_code, description, customer_id, CAST(line_amount AS VARCHAR) AS line_amount,
                         CAST(invoice_ts AS VARCHAR) AS invoice_ts, is_cancellation, is_adjustment, is_product, is_sale_line
                  FROM ecommerce_staging.stg_sales WHERE _source_row IN (5, 6, 12, 13) ORDER BY _source_row`),
      [
        { stock_code: "85123A", description: "WHITE HANGING HEART T-LIGHT HOLDER", customer_id: null, line_amount: "30.600000000", invoice_ts: "2010-12-01 10:00:00", is_cancellation: false, is_adjustment: false, is_product: true, is_sale_line: true },
        { stock_code: "71053", description: "WHITE METAL LANTERN", customer_id: "17850", line_amount: "-6.780000000", invoice_ts: "2010-12-02 11:00:00", is_cancellation: true, is_adjustment: false, is_product: true, is_sale_line: false },
        { stock_code: "M", description: "Manual", customer_id: "14000", line_amount: "5.000000000", invoice_ts: "2011-01-05 15:00:00", is_cancellation: false, is_adjustment: false, is_product: false, is_sale_line: true },
        { stock_code: "B", description: "Adjust bad debt", customer_id: null, line_amount: "-100.000000000", invoice_ts: "2011-01-06 09:00:00", is_cancellation: false, is_adjustment: true, is_product: false, is_sale_line: false },
      ]
    );
    // Lines 7 and 8 are identical: both kept, with different keys.
    assert.deepEqual(
      await rows("SELECT COUNT(*) AS lines, COUNT(DISTINCT sales_line_id) AS keys FROM ecommerce_staging.stg_sales WHERE invoice_no = '536005'"),
      [{ lines: "2", keys: "2" }]
    );
  });

  it("builds fact_sales with every staged line, summing to 77.56", async () => {
    // 15.30 + 20.34 + 18.00 + 25.50 + 30.60 - 6.78 + 12.75 + 12.75 + 10.20 + 33.90 + 5.00 - 100.00
    assert.deepEqual(
      await rows("SELECT COUNT(*) AS lines, CAST(SUM(line_amount) AS VARCHAR) AS amount FROM ecommerce_dwh.fact_sales"),
      [{ lines: "12", amount: "77.560000000" }]
    );
    // The anonymous lines (5 and 13) point to the unknown member.
    assert.deepEqual(
      await rows(`SELECT COUNT(*) AS lines FROM ecommerce_dwh.fact_sales AS f
                  JOIN ecommerce_dwh.dim_customers AS c ON f.customer_key = c.customer_key WHERE c.is_unknown`),
      [{ lines: "2" }]
    );
  });

  it("builds dim_customers: four customers and the unknown member, with lifetime sale figures", async () => {
    assert.deepEqual(
      await rows(`SELECT customer_id, country, CAST(first_order_date AS VARCHAR) AS first_order_date,
                         CAST(last_order_date AS VARCHAR) AS last_order_date, orders, CAST(revenue AS VARCHAR) AS revenue, is_unknown
                  FROM ecommerce_dwh.dim_customers ORDER BY customer_id NULLS LAST`),
      [
        { customer_id: "12583", country: "France", first_order_date: "2010-12-01", last_order_date: "2011-01-04", orders: "2", revenue: "35.700000000", is_unknown: false },
        { customer_id: "13047", country: "United Kingdom", first_order_date: "2010-12-03", last_order_date: "2010-12-03", orders: "1", revenue: "25.500000000", is_unknown: false },
        { customer_id: "14000", country: "United Kingdom", first_order_date: "2011-01-05", last_order_date: "2011-01-05", orders: "2", revenue: "38.900000000", is_unknown: false },
        // the cancellation (-6.78) is not a sale line, so revenue is 15.30 + 20.34 + 18.00
        { customer_id: "17850", country: "United Kingdom", first_order_date: "2010-12-01", last_order_date: "2010-12-01", orders: "1", revenue: "53.640000000", is_unknown: false },
        { customer_id: null, country: null, first_order_date: null, last_order_date: null, orders: "0", revenue: "0.000000000", is_unknown: true },
      ]
    );
  });

  it("builds dim_products: one row per upper-cased code, with descriptions and categories", async () => {
    assert.deepEqual(
      await rows("SELECT stock_code, description, is_product, category FROM ecommerce_dwh.dim_products ORDER BY stock_code"),
      [
        { stock_code: "22423", description: "REGENCY CAKESTAND 3 TIER", is_product: true, category: "Kitchen & Dining" },
        { stock_code: "71053", description: "WHITE METAL LANTERN", is_product: true, category: "Candles & Lighting" },
        { stock_code: "85123A", description: "WHITE HANGING HEART T-LIGHT HOLDER", is_product: true, category: "Candles & Lighting" },
        { stock_code: "B", description: "Adjust bad debt", is_product: false, category: "Non-product" },
        { stock_code: "M", description: "Manual", is_product: false, category: "Non-product" },
        { stock_code: "POST", description: "POSTAGE", is_product: false, category: "Non-product" },
      ]
    );
  });

  it("builds dim_dates from 2010-12-01 to 2011-01-06 without gaps (37 days)", async () => {
    assert.deepEqual(
      await rows(`SELECT COUNT(*) AS days, MIN(date_key) AS first_key, MAX(date_key) AS last_key,
                         SUM(CASE WHEN is_weekend THEN 1 ELSE 0 END) AS weekend_days FROM ecommerce_dwh.dim_dates`),
      // weekends: Dec 4-5, 11-12, 18-19, 25-26 and Jan 1-2
      [{ days: "37", first_key: "20101201", last_key: "20110106", weekend_days: "10" }]
    );
    assert.deepEqual(
      await rows("SELECT month_name, iso_week, day_of_week, day_name, quarter FROM ecommerce_dwh.dim_dates WHERE date_key = 20110102"),
      [{ month_name: "January", iso_week: "52", day_of_week: "7", day_name: "Sunday", quarter: "1" }]
    );
  });

  it("aggregates daily sales by country, with cancellations apart and adjustments ignored", async () => {
    assert.deepEqual(
      await rows(`SELECT CAST(sales_date AS VARCHAR) AS sales_date, country, CAST(gross_revenue AS VARCHAR) AS gross,
                         CAST(cancelled_revenue AS VARCHAR) AS cancelled, CAST(net_revenue AS VARCHAR) AS net,
                         orders, customers, units, CAST(avg_order_value AS VARCHAR) AS aov
                  FROM ecommerce_analytics.agg_daily_sales ORDER BY sales_date, country`),
      [
        { sales_date: "2010-12-01", country: "France", gross: "25.500000000", cancelled: "0.000000000", net: "25.500000000", orders: "1", customers: "1", units: "2", aov: "25.500000000" },
        // lines 1, 2, 3, 5: 15.30 + 20.34 + 18.00 + 30.60 over invoices 536001 and 536003; one known customer
        { sales_date: "2010-12-01", country: "United Kingdom", gross: "84.240000000", cancelled: "0.000000000", net: "84.240000000", orders: "2", customers: "1", units: "25", aov: "42.120000000" },
        { sales_date: "2010-12-02", country: "United Kingdom", gross: "0.000000000", cancelled: "-6.780000000", net: "-6.780000000", orders: "0", customers: "0", units: "0", aov: null },
        { sales_date: "2010-12-03", country: "United Kingdom", gross: "25.500000000", cancelled: "0.000000000", net: "25.500000000", orders: "1", customers: "1", units: "2", aov: "25.500000000" },
        { sales_date: "2011-01-04", country: "France", gross: "10.200000000", cancelled: "0.000000000", net: "10.200000000", orders: "1", customers: "1", units: "4", aov: "10.200000000" },
        { sales_date: "2011-01-05", country: "United Kingdom", gross: "38.900000000", cancelled: "0.000000000", net: "38.900000000", orders: "2", customers: "1", units: "11", aov: "19.450000000" },
      ]
    );
  });

  it("scores RFM with the customer_id tie-break and maps segments", async () => {
    // as_of = last invoice date (2011-01-06, the adjustment) + 1 day.
    // recency: 17850 37, 13047 35, 12583 3, 14000 2. frequency: 13047 1, 17850 1 (tie), 12583 2, 14000 2 (tie).
    // monetary: 13047 25.50, 12583 35.70, 14000 38.90, 17850 53.64. NTILE(5) over 4 customers: 1, 2, 3, 4.
    assert.deepEqual(
      await rows(`SELECT customer_id, recency_days, frequency, CAST(monetary AS VARCHAR) AS monetary, r_score, f_score, m_score,
                         rfm_cell, segment, CAST(as_of_date AS VARCHAR) AS as_of_date
                  FROM ecommerce_analytics.customer_rfm ORDER BY customer_id`),
      [
        { customer_id: "12583", recency_days: "3", frequency: "2", monetary: "35.700000000", r_score: "3", f_score: "3", m_score: "2", rfm_cell: "332", segment: "Need Attention", as_of_date: "2011-01-07" },
        { customer_id: "13047", recency_days: "35", frequency: "1", monetary: "25.500000000", r_score: "2", f_score: "1", m_score: "1", rfm_cell: "211", segment: "Hibernating", as_of_date: "2011-01-07" },
        { customer_id: "14000", recency_days: "2", frequency: "2", monetary: "38.900000000", r_score: "4", f_score: "4", m_score: "3", rfm_cell: "443", segment: "Loyal Customers", as_of_date: "2011-01-07" },
        { customer_id: "17850", recency_days: "37", frequency: "1", monetary: "53.640000000", r_score: "1", f_score: "2", m_score: "4", rfm_cell: "124", segment: "Hibernating", as_of_date: "2011-01-07" },
      ]
    );
  });

  it("summarises every segment of the map, empty ones included", async () => {
    const segments = await rows(`SELECT segment, customers, share_of_customers, CAST(revenue AS VARCHAR) AS revenue, share_of_revenue,
                                        avg_recency_days, avg_frequency, CAST(avg_monetary AS VARCHAR) AS avg_monetary
                                 FROM ecommerce_analytics.agg_customer_segments ORDER BY segment_order`);
    assert.equal(segments.length, 10);
    const bySegment = new Map(segments.map((segment) => [segment.segment, segment]));
    // population: 4 customers, revenue 53.64 + 35.70 + 25.50 + 38.90 = 153.74
    assert.deepEqual(bySegment.get("Hibernating"), {
      segment: "Hibernating", customers: "2", share_of_customers: 0.5, revenue: "79.140000000",
      share_of_revenue: 79.14 / 153.74, avg_recency_days: 36, avg_frequency: 1, avg_monetary: "39.570000000",
    });
    assert.deepEqual(bySegment.get("Need Attention"), {
      segment: "Need Attention", customers: "1", share_of_customers: 0.25, revenue: "35.700000000",
      share_of_revenue: 35.7 / 153.74, avg_recency_days: 3, avg_frequency: 2, avg_monetary: "35.700000000",
    });
    assert.deepEqual(bySegment.get("Loyal Customers"), {
      segment: "Loyal Customers", customers: "1", share_of_customers: 0.25, revenue: "38.900000000",
      share_of_revenue: 38.9 / 153.74, avg_recency_days: 2, avg_frequency: 2, avg_monetary: "38.900000000",
    });
    assert.deepEqual(bySegment.get("Champions"), {
      segment: "Champions", customers: "0", share_of_customers: 0, revenue: "0.000000000",
      share_of_revenue: 0, avg_recency_days: null, avg_frequency: null, avg_monetary: null,
    });
    assert.equal(segments[0]?.segment, "Champions");
  });

  it("keeps the top 2 products of each month (var top_n=2), ranked by revenue", async () => {
    assert.deepEqual(
      await rows(`SELECT CAST(sales_month AS VARCHAR) AS sales_month, rank, stock_code, CAST(revenue AS VARCHAR) AS revenue,
                         units, orders, share_of_month_revenue
                  FROM ecommerce_analytics.top_n_products_monthly ORDER BY sales_month, rank`),
      [
        // December product revenue: 22423 51.00 (lines 4, 7, 8), 85123A 45.90 (lines 1, 5), 71053 20.34 (line 2): 117.24
        { sales_month: "2010-12-01", rank: "1", stock_code: "22423", revenue: "51.000000000", units: "4", orders: "2", share_of_month_revenue: 51 / 117.24 },
        { sales_month: "2010-12-01", rank: "2", stock_code: "85123A", revenue: "45.900000000", units: "18", orders: "2", share_of_month_revenue: 45.9 / 117.24 },
        // January: 71053 33.90 (line 10), 85123A 10.20 (line 9): 44.10; the manual line M is not a product
        { sales_month: "2011-01-01", rank: "1", stock_code: "71053", revenue: "33.900000000", units: "10", orders: "1", share_of_month_revenue: 33.9 / 44.1 },
        { sales_month: "2011-01-01", rank: "2", stock_code: "85123A", revenue: "10.200000000", units: "4", orders: "1", share_of_month_revenue: 10.2 / 44.1 },
      ]
    );
  });

  it("documents every column of every table it builds, and only columns that exist", async () => {
    for (const table of result.compile.graph.tables ?? []) {
      const documented = Object.keys(columnDocs(table)).sort();
      const actual = (await rows(`SELECT column_name FROM (DESCRIBE "${table.target.schema}"."${table.target.name}")`))
        .map((row) => String(row.column_name))
        .sort();
      assert.deepEqual(documented.filter((column) => !actual.includes(column)), [], `${table.target.name} documents missing columns`);
      const undocumented = actual.filter((column) => !documented.includes(column) && !column.startsWith("raw_") && !column.startsWith("_"));
      assert.deepEqual(undocumented, [], `${table.target.name} has undocumented columns`);
    }
  });
});

function columnDocs(table: CompiledTable): Record<string, true> {
  const docs: Record<string, true> = {};
  for (const column of table.actionDescriptor?.columns ?? []) if (column.path?.[0]) docs[column.path[0]] = true;
  return docs;
}
