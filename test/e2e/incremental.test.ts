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
  const factMode = (result: PipelineResult) => result.run.actions.find((action) => action.name === `${DATASETS.dwh}.fact_sales`)?.mode;
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

  it("ends where a full rebuild ends", async () => {
    const incremental = await query(`SELECT * FROM ${DATASETS.dwh}.fact_sales ORDER BY sales_line_id`);
    const result = await run([], true);
    assert.deepEqual(failures(result), []);
    assert.equal(factMode(result), "full");
    assert.deepEqual(await query(`SELECT * FROM ${DATASETS.dwh}.fact_sales ORDER BY sales_line_id`), incremental);
  });
});
