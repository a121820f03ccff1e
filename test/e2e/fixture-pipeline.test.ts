import { strict as assert } from "node:assert";
import { targetName, type CompiledTable } from "../../scripts/dataform/compiled-graph";
import type { PipelineResult } from "../../scripts/pipeline";
import { DuckDbWarehouse, type Row } from "../../scripts/warehouse/duckdb";
import { HAND_WORKED_CHECKS, readTables, runFixturePipeline, type TableRows } from "../support/hand-worked-fixture";
import { makeTempDir } from "../support/temp";

describe("the pipeline on a hand-worked fixture", function () {
  this.timeout(120_000);
  const temp = makeTempDir("ecom-fixture");
  let warehouse: DuckDbWarehouse;
  let result: PipelineResult;
  let tables: TableRows;

  const rows = (sql: string): Promise<Row[]> => warehouse.query(sql);

  before(async () => {
    const run = await runFixturePipeline(temp.dir);
    result = run.result;
    warehouse = await DuckDbWarehouse.open(run.db);
    const { graph } = result.compile;
    const actions = [...(graph.declarations ?? []), ...(graph.tables ?? [])].filter((action) => !action.disabled);
    tables = await readTables(warehouse, actions.map((action) => targetName(action.target)));
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

  for (const check of HAND_WORKED_CHECKS) {
    it(check.title, () => {
      assert.deepEqual(check.actual(tables), check.expected);
    });
  }

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
