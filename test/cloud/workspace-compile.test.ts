import { strict as assert } from "node:assert";
import type { CompiledGraph, CompiledOperation } from "../../scripts/dataform/compiled-graph";
import { PROJECT_ROOT } from "../../scripts/paths";
import { dataformCompile } from "../support/dataform-cli";
import { DATASETS } from "../../scripts/config";

/**
 * The scheduled ingestion (definitions/sources/ingest_raw_sales.sqlx) compiled as Dataform compiles
 * it in a workspace: with the compilation overrides a developer sets (schema suffix, table prefix,
 * project). Dataform applies them to the tables it builds but not to declarations, so the raw
 * tables stay production's; the ingestion must then be disabled and name no production table.
 */

const LANDING_TABLES = ["_incoming_raw_sales", "load_ledger", "raw_sales", "raw_sales_malformed"];

function ingestion(graph: CompiledGraph): CompiledOperation {
  const found = (graph.operations ?? []).filter((operation) => operation.fileName === "definitions/sources/ingest_raw_sales.sqlx");
  assert.equal(found.length, 1);
  return found[0] as CompiledOperation;
}

/** Every table its statements name (BigQuery's backquoted project.dataset.table), read or written, sorted. */
function namedTables(operation: CompiledOperation): string[] {
  const names = new Set<string>();
  for (const query of operation.queries) for (const match of query.matchAll(/`([^`]+)`/g)) names.add(match[1] ?? "");
  return [...names].sort();
}

/** The statements that change a table, with the table: CREATE, INSERT INTO, DELETE FROM, MERGE, UPDATE. */
function writtenTables(operation: CompiledOperation): string[] {
  const names = new Set<string>();
  const writes = /\b(?:CREATE(?: OR REPLACE)?(?: EXTERNAL)? TABLE(?: IF NOT EXISTS)?|INSERT INTO|DELETE FROM|MERGE(?: INTO)?|UPDATE|TRUNCATE TABLE)\s+`([^`]+)`/g;
  for (const query of operation.queries) for (const match of query.matchAll(writes)) names.add(match[1] ?? "");
  return [...names].sort();
}

describe("the scheduled ingestion compiled for a workspace (dataform compile with overrides)", function () {
  this.timeout(60_000);

  it("in production (the release's project, no suffix or prefix) runs and writes the declared raw tables, and only them and its external table", async () => {
    const graph = await dataformCompile(PROJECT_ROOT, ["--default-database=shop-analytics"]);
    const operation = ingestion(graph);
    assert.equal(operation.disabled ?? false, false);
    const expected = LANDING_TABLES.map((table) => `shop-analytics.${DATASETS.raw}.${table}`);
    assert.deepEqual(writtenTables(operation), expected);
    assert.deepEqual(namedTables(operation), expected);
    // The very tables staging reads through the declarations.
    const declared = (graph.declarations ?? []).filter((declaration) => declaration.target.schema === DATASETS.raw);
    assert.deepEqual(
      declared.map((declaration) => `${declaration.target.database}.${declaration.target.schema}.${declaration.target.name}`).sort(),
      [`shop-analytics.${DATASETS.raw}.load_ledger`, `shop-analytics.${DATASETS.raw}.raw_sales`, `shop-analytics.${DATASETS.raw}.raw_sales_malformed`]
    );
  });

  it("with --schema-suffix=dev is disabled, says why, and names only ecommerce_raw_dev tables, never production's ecommerce_raw", async () => {
    const graph = await dataformCompile(PROJECT_ROOT, ["--default-database=shop-analytics", "--schema-suffix=dev"]);
    const operation = ingestion(graph);
    assert.equal(operation.disabled, true);
    assert.match(
      operation.actionDescriptor?.description ?? "",
      /^DISABLED in this compilation: it has a schema suffix "dev", which Dataform does not apply to the declared raw tables, so staging reads production's raw tables/
    );
    const expected = LANDING_TABLES.map((table) => `shop-analytics.ecommerce_raw_dev.${table}`);
    assert.deepEqual(writtenTables(operation), expected);
    assert.deepEqual(namedTables(operation), expected);
    // Why it must be so: the declared raw tables keep production's dataset while built tables move.
    const rawSales = (graph.declarations ?? []).find((declaration) => declaration.target.name === "raw_sales");
    assert.deepEqual(rawSales?.target, { database: "shop-analytics", schema: DATASETS.raw, name: "raw_sales" });
    const staged = (graph.tables ?? []).find((table) => table.target.name === "stg_sales");
    assert.equal(staged?.target.schema, "ecommerce_staging_dev");
  });

  it("with --table-prefix=dev is disabled and names only dev_ tables, none of production's raw tables", async () => {
    const operation = ingestion(await dataformCompile(PROJECT_ROOT, ["--default-database=shop-analytics", "--table-prefix=dev"]));
    assert.equal(operation.disabled, true);
    assert.match(operation.actionDescriptor?.description ?? "", /^DISABLED in this compilation: it has a table prefix "dev", /);
    const expected = LANDING_TABLES.map((table) => `shop-analytics.${DATASETS.raw}.dev_${table}`);
    assert.deepEqual(writtenTables(operation), expected);
    assert.deepEqual(namedTables(operation), expected);
  });

  it("with a suffix and a prefix in a project of its own is disabled, naming both, and names only that project's suffixed, prefixed tables", async () => {
    const operation = ingestion(await dataformCompile(PROJECT_ROOT, ["--default-database=shop-dev", "--schema-suffix=alice", "--table-prefix=tmp"]));
    assert.equal(operation.disabled, true);
    assert.match(operation.actionDescriptor?.description ?? "", /^DISABLED in this compilation: it has a schema suffix "alice" and a table prefix "tmp", /);
    assert.deepEqual(namedTables(operation), LANDING_TABLES.map((table) => `shop-dev.ecommerce_raw_alice.tmp_${table}`));
  });

  it("in a project of its own without suffix or prefix (a development project) runs, and names only that project's tables", async () => {
    const operation = ingestion(await dataformCompile(PROJECT_ROOT, ["--default-database=shop-dev"]));
    assert.equal(operation.disabled ?? false, false);
    assert.deepEqual(namedTables(operation), LANDING_TABLES.map((table) => `shop-dev.${DATASETS.raw}.${table}`));
  });

  it("with the placeholder project of workflow_settings.yaml names only tables of that project, which no one owns", async () => {
    const operation = ingestion(await dataformCompile(PROJECT_ROOT));
    assert.deepEqual(namedTables(operation), LANDING_TABLES.map((table) => `your-gcp-project.${DATASETS.raw}.${table}`));
  });
});
