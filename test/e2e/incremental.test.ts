import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../scripts/paths";
import { runPipeline, type PipelineResult } from "../../scripts/pipeline";
import type { Row } from "../../scripts/warehouse/duckdb";
import { queryWarehouse } from "../support/warehouse";
import { makeTempDir, silentOutput } from "../support/temp";
import { DATASETS } from "../../scripts/config";

const HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";
const DECEMBER = [
  "536001,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom",
  "536001,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850,United Kingdom",
  "536002,22423,REGENCY CAKESTAND 3 TIER,2,12/2/2010 9:00,12.75,12583,France",
];
const JANUARY = [
  "536100,85123A,WHITE HANGING HEART T-LIGHT HOLDER,4,1/4/2011 10:00,2.55,12583,France",
  "536101,71053,WHITE METAL LANTERN,10,1/5/2011 9:30,3.39,14000,United Kingdom",
];

/**
 * fact_sales is incremental: a new file's lines are merged in without rebuilding, and a changed
 * version of a loaded file replaces that file's lines. After every step the fact must equal what a
 * full rebuild gives, and every assertion must pass.
 */
describe("the pipeline run after run on one warehouse", function () {
  this.timeout(120_000);
  const temp = makeTempDir("ecom-incremental");
  const db = path.join(temp.dir, "incremental.duckdb");
  const write = (name: string, lines: string[]) => {
    const file = path.join(temp.dir, name);
    fs.writeFileSync(file, `${[HEADER, ...lines].join("\n")}\n`);
    return file;
  };
  const run = (sources: string[], fullRefresh = false) =>
    runPipeline({ sources, db, projectDir: PROJECT_ROOT, vars: {}, fullRefresh, output: silentOutput });
  const modeOf = (result: PipelineResult, name: string) => result.run.actions.find((action) => action.name === name)?.mode;
  const factMode = (result: PipelineResult) => modeOf(result, `${DATASETS.dwh}.fact_sales`);
  const failures = (result: PipelineResult) => result.run.actions.filter((action) => action.status !== "succeeded").map((action) => action.name);
  const query = (sql: string): Promise<Row[]> => queryWarehouse(db, sql);
  const factLines = () =>
    query(`SELECT invoice_no, quantity, CAST(line_amount AS VARCHAR) AS amount, _source_file FROM ${DATASETS.dwh}.fact_sales ORDER BY invoice_no, quantity`);

  after(() => temp.remove());

  it("builds fact_sales in full the first time", async () => {
    const result = await run([write("2010-12.csv", DECEMBER)]);
    assert.deepEqual(failures(result), []);
    assert.equal(factMode(result), "full");
    assert.equal((await factLines()).length, 3);
  });

  it("merges a new file's lines in without rebuilding", async () => {
    const result = await run([write("2011-01.csv", JANUARY)]);
    assert.deepEqual(failures(result), []);
    assert.equal(factMode(result), "incremental");
    assert.equal(result.loads[0]?.status, "loaded");
    assert.deepEqual((await factLines()).map((row) => row.invoice_no), ["536001", "536001", "536002", "536100", "536101"]);
  });

  it("replaces a changed file's lines: an edited quantity, a removed line", async () => {
    // December again: the lantern line now has 12 units, and the cake stand line is gone.
    const result = await run([write("2010-12.csv", [DECEMBER[0] ?? "", (DECEMBER[1] ?? "").replace(",6,12/1", ",12,12/1")])]);
    assert.deepEqual(failures(result), []);
    assert.equal(result.loads[0]?.status, "replaced");
    assert.equal(factMode(result), "incremental");
    assert.deepEqual(await factLines(), [
      { invoice_no: "536001", quantity: "6", amount: "15.300000000", _source_file: "2010-12.csv" },
      { invoice_no: "536001", quantity: "12", amount: "40.680000000", _source_file: "2010-12.csv" },
      { invoice_no: "536100", quantity: "4", amount: "10.200000000", _source_file: "2011-01.csv" },
      { invoice_no: "536101", quantity: "10", amount: "33.900000000", _source_file: "2011-01.csv" },
    ]);
  });

  it("changes nothing when the same files are loaded again", async () => {
    const before = await factLines();
    const result = await run([path.join(temp.dir, "2010-12.csv"), path.join(temp.dir, "2011-01.csv")]);
    assert.deepEqual(failures(result), []);
    assert.deepEqual(result.loads.map((load) => load.status), ["unchanged", "unchanged"]);
    assert.deepEqual(await factLines(), before);
    assert.deepEqual(await query(`SELECT COUNT(*) AS n FROM ${DATASETS.raw}.raw_sales`), [{ n: "4" }]);
  });

  it("rebuilds only the new month of the summaries, and takes the kept months' descriptions from dim_products again", async () => {
    // Two February lines of 71053 under another description make it the product's most frequent
    // one, so January's top product (71053, 33.90) must show it although January is not rebuilt.
    const result = await run([
      write("2011-02.csv", [
        "536200,71053,WHITE LANTERN,1,2/1/2011 9:00,3.39,14000,United Kingdom",
        "536201,71053,WHITE LANTERN,2,2/2/2011 9:00,3.39,14000,United Kingdom",
      ]),
    ]);
    assert.deepEqual(failures(result), []);
    assert.equal(modeOf(result, `${DATASETS.analytics}.agg_daily_sales`), "incremental");
    assert.equal(modeOf(result, `${DATASETS.analytics}.top_n_products_monthly`), "incremental");
    assert.deepEqual(await query(`SELECT CAST(sales_month AS VARCHAR) AS month, rank, stock_code, description, CAST(revenue AS VARCHAR) AS revenue FROM ${DATASETS.analytics}.top_n_products_monthly ORDER BY month, rank`), [
      { month: "2010-12-01", rank: "1", stock_code: "71053", description: "WHITE LANTERN", revenue: "40.680000000" },
      { month: "2010-12-01", rank: "2", stock_code: "85123A", description: "WHITE HANGING HEART T-LIGHT HOLDER", revenue: "15.300000000" },
      { month: "2011-01-01", rank: "1", stock_code: "71053", description: "WHITE LANTERN", revenue: "33.900000000" },
      { month: "2011-01-01", rank: "2", stock_code: "85123A", description: "WHITE HANGING HEART T-LIGHT HOLDER", revenue: "10.200000000" },
      { month: "2011-02-01", rank: "1", stock_code: "71053", description: "WHITE LANTERN", revenue: "10.170000000" },
    ]);
  });

  it("rebuilds every date of a summary when a replaced version drops lines from before its own", async () => {
    // December's lines were all on 12/1; this version has one line on 12/3 only. Rebuilding from
    // its earliest date alone would leave 12/1's row; the counted lines no longer add up instead.
    const result = await run([write("2010-12.csv", ["536003,22423,REGENCY CAKESTAND 3 TIER,1,12/3/2010 9:00,12.75,12583,France"])]);
    assert.deepEqual(failures(result), []);
    assert.equal(result.loads[0]?.status, "replaced");
    assert.equal(modeOf(result, `${DATASETS.analytics}.agg_daily_sales`), "incremental");
    assert.deepEqual(await query(`SELECT CAST(sales_date AS VARCHAR) AS day, country, CAST(gross_revenue AS VARCHAR) AS gross, lines FROM ${DATASETS.analytics}.agg_daily_sales ORDER BY day`), [
      { day: "2010-12-03", country: "France", gross: "12.750000000", lines: "1" },
      { day: "2011-01-04", country: "France", gross: "10.200000000", lines: "1" },
      { day: "2011-01-05", country: "United Kingdom", gross: "33.900000000", lines: "1" },
      { day: "2011-02-01", country: "United Kingdom", gross: "3.390000000", lines: "1" },
      { day: "2011-02-02", country: "United Kingdom", gross: "6.780000000", lines: "1" },
    ]);
  });

  it("ends where a full rebuild ends", async () => {
    const tables = [`${DATASETS.dwh}.fact_sales`, `${DATASETS.analytics}.agg_daily_sales`, `${DATASETS.analytics}.top_n_products_monthly`];
    const everything = (table: string) => query(`SELECT * FROM ${table} ORDER BY ALL`);
    const incremental = await Promise.all(tables.map(everything));
    const result = await run([], true);
    assert.deepEqual(failures(result), []);
    assert.equal(factMode(result), "full");
    assert.deepEqual(await Promise.all(tables.map(everything)), incremental);
  });
});
