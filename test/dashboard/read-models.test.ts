import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { compileProject } from "../../scripts/dataform/compile";
import type { CompiledGraph } from "../../scripts/dataform/compiled-graph";
import { DASHBOARD_DATASET, DASHBOARD_TABLES } from "../../scripts/dashboard/read-models";
import { PROJECT_ROOT } from "../../scripts/paths";

/*
 * The dashboard's figures come from the graph: the tables it reads are exactly the ones tagged
 * `dashboard`, on both warehouses, each with a unit test where it computes something; and the
 * TypeScript that reads them holds no analytics SQL of its own.
 */
describe("the dashboard's read models", function () {
  this.timeout(60_000);
  const graphs: Record<string, CompiledGraph> = {};

  before(async () => {
    for (const dialect of ["bigquery", "duckdb"]) graphs[dialect] = (await compileProject({ projectDir: PROJECT_ROOT, vars: { dialect } })).graph;
  });

  for (const dialect of ["bigquery", "duckdb"]) {
    it(`are the tables tagged dashboard in the ${dialect} compile, all in the analytics dataset`, () => {
      const tagged = (graphs[dialect]?.tables ?? []).filter((table) => (table.tags ?? []).includes("dashboard"));
      assert.deepEqual(
        tagged.map((table) => `${table.target.schema}.${table.target.name}`).sort(),
        Object.values(DASHBOARD_TABLES).map((table) => `${DASHBOARD_DATASET}.${table.name}`).sort()
      );
    });
  }

  it("each have a unit test in the compile", () => {
    // A compiled test names its file; the file names the dataset it tests.
    const testedTables = (graphs.bigquery?.tests ?? []).map((test) => {
      const text = fs.readFileSync(path.join(PROJECT_ROOT, test.fileName ?? ""), "utf8");
      return /dataset: \{ schema: [^,]+, name: "([^"]+)" \}/.exec(text)?.[1];
    });
    // An incremental read model is tested through the view that computes it, `<name>_computed`:
    // Dataform cannot unit-test an incremental table.
    const untested = Object.values(DASHBOARD_TABLES)
      .map((table) => table.name)
      .filter((name) => !testedTables.includes(name) && !testedTables.includes(`${name}_computed`));
    assert.deepEqual(untested, []);
  });

  it("are read by TypeScript that holds no analytics SQL (no GROUP BY, window, DATE_TRUNC or JOIN)", () => {
    const files = [
      ...fs.readdirSync(path.join(PROJECT_ROOT, "scripts", "dashboard")).filter((file) => file.endsWith(".ts")).map((file) => path.join("scripts", "dashboard", file)),
      path.join("scripts", "summary.ts"),
    ];
    // Upper case, as the project writes SQL keywords: `.join(...)` and `window` are JavaScript.
    const analytics = /\bGROUP\s+BY\b|\bOVER\s*\(|\bDATE_TRUNC\b|\bJOIN\b|\bWINDOW\b/;
    const offending = files.filter((file) => analytics.test(fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8")));
    assert.deepEqual(offending, []);
  });
});
