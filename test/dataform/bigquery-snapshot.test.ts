import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { compileProject } from "../../scripts/dataform/compile";
import type { CompiledGraph } from "../../scripts/dataform/compiled-graph";
import { PROJECT_ROOT } from "../../scripts/paths";

/*
 * The compiled BigQuery SQL of every action, kept in test/snapshots/bigquery/ and reviewed like code:
 * no cloud account runs it in CI, so any change to what BigQuery would run must show in a diff.
 * After an intended change: UPDATE_SNAPSHOTS=1 npm run mocha, then review `git diff test/snapshots`.
 */
const SNAPSHOT_DIR = path.join(PROJECT_ROOT, "test", "snapshots", "bigquery");

/** One file per action: its options BigQuery sees, then every statement it runs. */
function snapshots(graph: CompiledGraph): Map<string, string> {
  const files = new Map<string, string>();
  const section = (title: string, sql: string | undefined) => (sql && sql.trim() ? `-- ${title}\n${sql.trim()}\n` : "");
  for (const table of graph.tables ?? []) {
    const header = [
      `-- ${table.target.schema}.${table.target.name}: ${table.type}`,
      table.uniqueKey ? `-- uniqueKey: ${table.uniqueKey.join(", ")}` : "",
      table.bigquery ? `-- bigquery: ${JSON.stringify(table.bigquery)}` : "",
    ].filter(Boolean);
    files.set(
      `${table.target.schema}.${table.target.name}.sql`,
      [
        `${header.join("\n")}\n`,
        ...(table.preOps ?? []).map((sql) => section("pre-operation", sql)),
        section("query", table.query),
        ...(table.incrementalPreOps ?? []).map((sql) => section("incremental pre-operation", sql)),
        section("incremental query", table.incrementalQuery),
        ...(table.postOps ?? []).map((sql) => section("post-operation", sql)),
      ].filter(Boolean).join("\n")
    );
  }
  for (const assertion of graph.assertions ?? []) {
    files.set(`${assertion.target.schema}.${assertion.target.name}.sql`, section(`assertion ${assertion.target.name}`, assertion.query));
  }
  for (const operation of graph.operations ?? []) {
    files.set(`${operation.target.schema}.${operation.target.name}.sql`, operation.queries.map((sql) => section(`operation ${operation.target.name}`, sql)).join("\n"));
  }
  return files;
}

describe("the compiled BigQuery SQL", function () {
  this.timeout(60_000);

  it("matches the reviewed snapshot of every action", async () => {
    const { graph } = await compileProject({ projectDir: PROJECT_ROOT, vars: {} });
    const current = snapshots(graph);
    if (process.env.UPDATE_SNAPSHOTS) {
      fs.rmSync(SNAPSHOT_DIR, { recursive: true, force: true });
      fs.mkdirSync(SNAPSHOT_DIR, { recursive: true });
      for (const [name, text] of current) fs.writeFileSync(path.join(SNAPSHOT_DIR, name), text);
    }
    const stored = fs.existsSync(SNAPSHOT_DIR) ? fs.readdirSync(SNAPSHOT_DIR).sort() : [];
    assert.deepEqual(stored, [...current.keys()].sort(), "actions added or removed: run with UPDATE_SNAPSHOTS=1 and review the diff");
    for (const [name, text] of current) {
      assert.equal(fs.readFileSync(path.join(SNAPSHOT_DIR, name), "utf8"), text, `${name} changed: run with UPDATE_SNAPSHOTS=1 and review the diff`);
    }
  });

  it("partitions fact_sales by invoice_date, clusters it by customer and product, and nothing else", async () => {
    const { graph } = await compileProject({ projectDir: PROJECT_ROOT, vars: {} });
    const withOptions = (graph.tables ?? []).filter((table) => table.bigquery).map((table) => [table.target.name, table.bigquery]);
    assert.deepEqual(withOptions, [
      ["fact_sales", { partitionBy: "invoice_date", clusterBy: ["customer_key", "product_key"] }],
    ]);
  });
});
