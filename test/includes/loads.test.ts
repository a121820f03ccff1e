import { strict as assert } from "node:assert";
import { DuckDbWarehouse } from "../../scripts/warehouse/duckdb";
import loads = require("../../includes/loads");
import sql = require("../../includes/sql");

const duckdb = sql.forDialect("duckdb");

describe("includes/loads.js", () => {
  let warehouse: DuckDbWarehouse;
  before(async () => {
    warehouse = await DuckDbWarehouse.open(":memory:");
    await warehouse.run(`
      CREATE TABLE source AS SELECT * FROM (VALUES
        ('a', 'load-1', TIMESTAMP '2026-01-01 10:00:00'),
        ('b', 'load-3', TIMESTAMP '2026-01-03 10:00:00'),
        ('c', 'load-4', TIMESTAMP '2026-01-04 10:00:00')) AS t(line, _load_id, _loaded_at);
      CREATE TABLE target AS SELECT * FROM (VALUES
        ('a', 'load-1', TIMESTAMP '2026-01-01 10:00:00'),
        ('old b', 'load-2', TIMESTAMP '2026-01-02 10:00:00')) AS t(line, _load_id, _loaded_at);
      CREATE TABLE empty_target AS SELECT * FROM target WHERE FALSE;`);
  });
  after(() => warehouse.close());

  it("deletes the rows of loads that are gone from the source (a replaced file version)", async () => {
    await warehouse.run(loads.deleteReplacedLoads("target", "source"));
    assert.deepEqual(await warehouse.query("SELECT line FROM target ORDER BY line"), [{ line: "a" }]);
  });

  it("selects the rows of loads newer than the newest in the target, from the watermark set before the statement", async () => {
    await warehouse.run(loads.declareWatermark("target", duckdb));
    assert.deepEqual(await warehouse.query(`SELECT line FROM source WHERE ${loads.newerLoads("_loaded_at", duckdb)} ORDER BY line`), [
      { line: "b" },
      { line: "c" },
    ]);
  });

  it("selects every row when the target is empty", async () => {
    await warehouse.run(loads.declareWatermark("empty_target", duckdb));
    assert.equal((await warehouse.query(`SELECT line FROM source WHERE ${loads.newerLoads("_loaded_at", duckdb)}`)).length, 3);
  });

  it("filters on a constant, so DuckDB reads only the newer row groups", async () => {
    await warehouse.run(loads.declareWatermark("target", duckdb));
    const plan = (await warehouse.query(`EXPLAIN SELECT line FROM source WHERE ${loads.newerLoads("_loaded_at", duckdb)}`)).map((row) => String(row.explain_value)).join("\n");
    // The filter sits in the scan itself (a table filter), not in a join with a subquery's result.
    assert.match(plan, /SEQ_SCAN|TABLE_SCAN/);
    assert.doesNotMatch(plan, /JOIN|CROSS_PRODUCT/);
  });

  it("declares the watermark the BigQuery way: one DECLARE of a TIMESTAMP, used by name", () => {
    const bigquery = sql.forDialect("bigquery");
    assert.equal(
      loads.declareWatermark("`p.d.t`", bigquery),
      "DECLARE newest_loaded_at TIMESTAMP DEFAULT (SELECT COALESCE(MAX(_loaded_at), TIMESTAMP '1970-01-01 00:00:00') FROM `p.d.t`)"
    );
    assert.equal(loads.newerLoads("_loaded_at", bigquery), "_loaded_at > newest_loaded_at");
  });

  describe("the first date a summary rebuilds", () => {
    // Lines: two of load 1 (one counted, one not), one counted line of load 2 on an earlier date.
    // The summary counted load 1's one counted line: its watermark is load 1.
    const setUp = (sourceRows: string, summaryLines: number) =>
      warehouse.run(`
        CREATE OR REPLACE TABLE lines AS SELECT * FROM (VALUES ${sourceRows}) AS t(invoice_date, counted, _loaded_at);
        CREATE OR REPLACE TABLE summary AS SELECT ${summaryLines} AS lines, TIMESTAMP '2026-01-01 10:00:00' AS _loaded_at;`);
    const rebuildFrom = async () => {
      await warehouse.run(loads.declareWatermark("summary", duckdb));
      await warehouse.run(loads.declareRebuildFrom({ selfLines: "SELECT SUM(lines) FROM summary", source: "lines", counted: "counted", dateColumn: "invoice_date" }, duckdb));
      const [row] = await warehouse.query(`SELECT CAST(${loads.rebuildFrom(duckdb)} AS VARCHAR) AS day`);
      return row?.day ?? null;
    };
    const load1 = "TIMESTAMP '2026-01-01 10:00:00'";
    const load2 = "TIMESTAMP '2026-01-02 10:00:00'";

    it("is the earliest date of the new loads' counted lines when every line counted is still there", async () => {
      await setUp(`(DATE '2011-03-05', TRUE, ${load1}), (DATE '2011-01-09', FALSE, ${load1}), (DATE '2011-02-01', TRUE, ${load2}), (DATE '2011-01-02', FALSE, ${load2})`, 1);
      assert.equal(await rebuildFrom(), "2011-02-01");
    });

    it("is none when no counted line is new", async () => {
      await setUp(`(DATE '2011-03-05', TRUE, ${load1}), (DATE '2011-01-02', FALSE, ${load2})`, 1);
      assert.equal(await rebuildFrom(), null);
    });

    it("is the first of all dates when a line the summary counted is gone", async () => {
      await setUp(`(DATE '2011-01-09', FALSE, ${load1}), (DATE '2011-02-01', TRUE, ${load2})`, 1);
      assert.equal(await rebuildFrom(), "0001-01-01");
    });

    it("is declared the BigQuery way, after the watermark, and compared by name", () => {
      const bigquery = sql.forDialect("bigquery");
      assert.equal(
        loads.declareRebuildFrom({ selfLines: "SELECT SUM(lines) FROM `p.d.s`", source: "`p.d.f`", counted: "is_sale_line", dateColumn: "invoice_date" }, bigquery),
        `DECLARE rebuild_from_date DATE DEFAULT (SELECT CASE
    WHEN (SELECT SUM(lines) FROM \`p.d.s\`) = (SELECT COUNT(*) FROM \`p.d.f\` WHERE (is_sale_line) AND _loaded_at <= newest_loaded_at)
      THEN (SELECT MIN(invoice_date) FROM \`p.d.f\` WHERE (is_sale_line) AND _loaded_at > newest_loaded_at)
    ELSE DATE '0001-01-01'
  END)`
      );
      assert.equal(loads.rebuildFrom(bigquery), "rebuild_from_date");
    });
  });
});
