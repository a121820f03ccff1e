import { strict as assert } from "node:assert";
import { DuckDbWarehouse } from "../../scripts/warehouse/duckdb";
import loads = require("../../includes/loads");

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

  it("selects the rows of loads newer than the newest in the target", async () => {
    assert.deepEqual(await warehouse.query(`SELECT line FROM source WHERE ${loads.newerLoads("_loaded_at", "target")} ORDER BY line`), [
      { line: "b" },
      { line: "c" },
    ]);
  });

  it("selects every row when the target is empty", async () => {
    assert.equal((await warehouse.query(`SELECT line FROM source WHERE ${loads.newerLoads("_loaded_at", "empty_target")}`)).length, 3);
  });
});
