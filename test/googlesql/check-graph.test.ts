import { strict as assert } from "node:assert";
import { DATASETS } from "../../scripts/config";
import type { CompiledGraph } from "../../scripts/dataform/compiled-graph";
import { compileProject } from "../../scripts/dataform/compile";
import { bigQueryLanguage, type BigQueryLanguage } from "../../scripts/googlesql/bigquery-language";
import { Catalog } from "../../scripts/googlesql/catalog";
import { checkGraph, type GraphCheck } from "../../scripts/googlesql/check-graph";
import { analyzeScript } from "../../scripts/googlesql/script-analyzer";
import { loaderScripts } from "../../scripts/googlesql/tooling-scripts";
import { bigQueryTypeName } from "../../scripts/googlesql/types";
import { ZetaSqlService } from "../../scripts/googlesql/zetasql-service";
import { PROJECT_ROOT } from "../../scripts/paths";
import { planActions } from "../../scripts/runner/action-graph";

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("GoogleSQL check of the BigQuery compile (ZetaSQL)", function () {
  this.timeout(120_000);
  let service: ZetaSqlService;
  let language: BigQueryLanguage;
  let graph: CompiledGraph;
  let check: GraphCheck;

  before(async () => {
    service = await ZetaSqlService.start();
    language = await bigQueryLanguage(service);
    graph = (await compileProject({ projectDir: PROJECT_ROOT, vars: { dialect: "bigquery" } })).graph;
    check = await checkGraph(service, graph, loaderScripts(graph.projectConfig?.defaultDatabase ?? "", DATASETS.raw));
  });

  after(async () => {
    const pid = service?.pid;
    await service?.stop();
    if (pid !== undefined) assert.equal(isRunning(pid), false, `the ZetaSQL server (pid ${pid}) is still running`);
  });

  describe("the project's graph", () => {
    it("analyzes every statement cleanly, the loader's included", () => {
      const failures = check.failures.map((failure) => `${failure.action} ${failure.step}: ${failure.statement.error?.message}`);
      assert.deepEqual(failures, []);
      assert.deepEqual(check.parsedOnly, []);
      assert.deepEqual(check.untypedDeclarations, []);
    });

    it("checks every enabled action and every unit test of the compile", () => {
      const checked = new Set(check.statements.map((statement) => statement.action));
      const expected = [...planActions(graph).map((action) => action.name), ...(graph.tests ?? []).map((test) => `test ${test.name}`)];
      assert.deepEqual(expected.filter((name) => !checked.has(name)), []);
    });

    it("checks incremental tables both as first built and as an incremental run: its pre-operations, then the INSERT (no unique key, no MERGE)", () => {
      const steps = check.statements.filter((statement) => statement.action === `${DATASETS.dwh}.fact_sales`).map((statement) => statement.step);
      assert.deepEqual(steps, ["create table", "incremental pre-operation 1", "incremental pre-operation 2", "insert"]);
    });

    it("checks the scheduled ingestion statement by statement, its temporary tables visible to the statements after them", () => {
      const kinds = check.statements.filter((statement) => statement.action === `${DATASETS.raw}.ingest_raw_sales`).map((statement) => statement.statement.kind);
      assert.deepEqual(kinds, [
        "CreateTableStmt",
        "CreateTableStmt",
        "CreateTableStmt",
        "CreateExternalTableStmt",
        "CreateTableAsSelectStmt",
        "CreateTableAsSelectStmt",
        "CreateTableAsSelectStmt",
        "BeginStmt",
        "DeleteStmt",
        "InsertStmt",
        "InsertStmt",
        "CommitStmt",
      ]);
    });

    it("checks the loader's three scripts statement by statement", () => {
      const loader = check.statements.filter((statement) => statement.action.startsWith("ecom load --warehouse bigquery"));
      assert.deepEqual(
        loader.map((statement) => `${statement.action.replace("ecom load --warehouse bigquery: ", "")}: ${statement.statement.kind}`),
        [
          "create the landing tables: CreateTableStmt",
          "create the landing tables: CreateTableStmt",
          "create the landing tables: CreateTableStmt",
          "read the load ledger: QueryStmt",
          "land a load job's rows: VariableDeclaration",
          "land a load job's rows: BeginStmt",
          "land a load job's rows: DeleteStmt",
          "land a load job's rows: InsertStmt",
          "land a load job's rows: InsertStmt",
          "land a load job's rows: CommitStmt",
        ]
      );
    });

    it("types the declared landing tables from their column tags", () => {
      const ledger = check.catalog.getTable(`your-gcp-project.${DATASETS.raw}.load_ledger`);
      assert.deepEqual(
        ledger?.columns.map((column) => `${column.name} ${bigQueryTypeName(column.type)}`),
        ["load_id STRING", "source_file STRING", "source_path STRING", "file_size INT64", "checksum STRING", "rows_loaded INT64", "loaded_at TIMESTAMP", "malformed_lines INT64"]
      );
    });

    it("types each built table from its resolved statement, as BigQuery would create it", () => {
      const fact = check.catalog.getTable("`your-gcp-project.ecommerce_dwh.fact_sales`");
      const types = Object.fromEntries((fact?.columns ?? []).map((column) => [column.name, bigQueryTypeName(column.type)]));
      assert.deepEqual(
        [types.sales_line_id, types.date_key, types.invoice_ts, types.invoice_date, types.quantity, types.unit_price, types.line_amount, types.is_sale_line, types._loaded_at],
        ["STRING", "INT64", "DATETIME", "DATE", "INT64", "NUMERIC", "NUMERIC", "BOOL", "TIMESTAMP"]
      );
    });
  });

  describe("scripts", () => {
    const catalogWithOrders = () => {
      const catalog = new Catalog("p", language.builtinFunctionOptions);
      catalog.setTable({ name: "p.shop.orders", columns: [{ name: "id", type: { typeKind: "TYPE_INT64" } }, { name: "note", type: { typeKind: "TYPE_STRING" } }] });
      return catalog;
    };
    const errors = (statements: { error?: { message: string; line: number } }[]) => statements.map((statement) => statement.error ?? null);

    it("refuses the landing DDL as it was written before (NOT NULL before DEFAULT), on its line", async () => {
      const ddl = "CREATE TABLE IF NOT EXISTS `p.shop.ledger` (\n  rows_loaded INT64 NOT NULL,\n  malformed_lines INT64 NOT NULL DEFAULT 0\n);";
      const [statement] = await analyzeScript(service, language, catalogWithOrders(), ddl);
      assert.deepEqual(statement?.error, { message: 'Syntax error: Expected ")" or "," but got keyword DEFAULT [at 3:34]', line: 3 });
    });

    it("cuts a script where ZetaSQL's parser does (a ; inside a string or a comment is not a boundary)", async () => {
      const script = "SELECT 'a;b' AS x;\n-- not; a statement\nSELECT note FROM `p.shop.orders` WHERE note != ';';";
      const statements = await analyzeScript(service, language, catalogWithOrders(), script);
      assert.deepEqual(statements.map((statement) => [statement.line, statement.kind]), [[1, "QueryStmt"], [3, "QueryStmt"]]);
      assert.deepEqual(errors(statements), [null, null]);
    });

    it("lets later statements see a temporary table and a variable, and forgets both when the script ends", async () => {
      const catalog = catalogWithOrders();
      const script = "DECLARE cutoff INT64 DEFAULT 10;\nCREATE TEMP TABLE recent AS SELECT id FROM `p.shop.orders` WHERE id > cutoff;\nSELECT COUNT(*) AS n FROM recent;";
      assert.deepEqual(errors(await analyzeScript(service, language, catalog, script)), [null, null, null]);
      catalog.endScript();
      const [after] = await analyzeScript(service, language, catalog, "SELECT id FROM recent WHERE id > cutoff");
      assert.equal(after?.error?.message, "Table not found: recent [at 1:16]");
    });

    it("types named parameters, and refuses one it was not told about", async () => {
      const sql = "SELECT id FROM `p.shop.orders` WHERE note = @note";
      assert.equal((await analyzeScript(service, language, catalogWithOrders(), sql, { parameters: { note: "STRING" } }))[0]?.error, undefined);
      const [wrong] = await analyzeScript(service, language, catalogWithOrders(), sql, { parameters: { note: "INT64" } });
      assert.match(wrong?.error?.message ?? "", /^No matching signature for operator = for argument types: STRING, INT64/);
      const [missing] = await analyzeScript(service, language, catalogWithOrders(), sql);
      assert.equal(missing?.error?.message, "Query parameter 'note' not found [at 1:45]");
    });

    it("finds a table by every name BigQuery accepts in the default project", async () => {
      for (const name of ["`p.shop.orders`", "`p`.`shop`.`orders`", "p.shop.orders", "shop.orders", "`shop.orders`"]) {
        const [statement] = await analyzeScript(service, language, catalogWithOrders(), `SELECT id FROM ${name}`);
        assert.equal(statement?.error, undefined, name);
      }
    });

    it("knows BigQuery's external tables have a _FILE_NAME pseudo-column, left out of SELECT *", async () => {
      const catalog = catalogWithOrders();
      const script = "CREATE OR REPLACE EXTERNAL TABLE `p.shop.incoming` (note STRING) OPTIONS (format = 'CSV', uris = ['gs://b/*.csv']);\nSELECT *, _FILE_NAME AS file FROM `p.shop.incoming`;";
      const statements = await analyzeScript(service, language, catalog, script);
      assert.deepEqual(errors(statements), [null, null]);
      assert.deepEqual(statements[1]?.columns?.map((column) => column.name), ["note", "file"]);
    });
  });
});
