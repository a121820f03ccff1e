import { strict as assert } from "node:assert";
import { compileProject } from "../../scripts/dataform/compile";
import type { CompiledGraph } from "../../scripts/dataform/compiled-graph";
import type { JsonRow } from "../../scripts/googlesql/evaluate";
import { executeGraph, GraphExecutionError, type ExecutedTable, type GraphExecution } from "../../scripts/googlesql/execute-graph";
import { ZetaSqlService } from "../../scripts/googlesql/zetasql-service";
import { PROJECT_ROOT } from "../../scripts/paths";
import { DuckDbWarehouse } from "../../scripts/warehouse/duckdb";
import { FIXTURE_CSV, FIXTURE_FILE_NAME, FIXTURE_VARS, HAND_WORKED_CHECKS, readTables, runFixturePipeline, type TableRows } from "../support/hand-worked-fixture";
import { makeTempDir, silentOutput } from "../support/temp";
import { runPipeline } from "../../scripts/pipeline";
import * as fs from "node:fs";
import * as path from "node:path";
import sql = require("../../includes/sql");
import { DATASETS } from "../../scripts/config";

/*
 * The BigQuery compile of the graph, executed by ZetaSQL's reference evaluator (GoogleSQL, the
 * language BigQuery runs) on the hand-worked fixture, and held to the same hand-worked values as the
 * DuckDB run, then to the DuckDB run itself: every table row for row, every column with the type
 * includes/sql.js says it has on each engine.
 */

/** The landing tables, as `ecom load` wrote them on DuckDB: the BigQuery graph reads the very same rows. */
const LANDING_TABLES = [`${DATASETS.raw}.raw_sales`, `${DATASETS.raw}.load_ledger`, `${DATASETS.raw}.raw_sales_malformed`];

/** Every table, view and incremental table of the graph: all of them are built on both engines. */
const BUILT_TABLES = [
  `${DATASETS.staging}.stg_sales_typed`,
  `${DATASETS.staging}.stg_sales`,
  `${DATASETS.staging}.stg_sales_rejected`,
  `${DATASETS.dwh}.fact_sales`,
  `${DATASETS.dwh}.dim_customers`,
  `${DATASETS.dwh}.dim_products`,
  `${DATASETS.dwh}.dim_dates`,
  `${DATASETS.analytics}.agg_daily_sales_computed`,
  `${DATASETS.analytics}.agg_daily_sales`,
  `${DATASETS.analytics}.customer_rfm`,
  `${DATASETS.analytics}.agg_customer_segments`,
  `${DATASETS.analytics}.top_n_products_monthly_computed`,
  `${DATASETS.analytics}.top_n_products_monthly`,
  `${DATASETS.analytics}.dashboard_kpis`,
  `${DATASETS.analytics}.dashboard_daily_revenue`,
  `${DATASETS.analytics}.dashboard_country_monthly_revenue`,
  `${DATASETS.analytics}.dashboard_rf_grid`,
  `${DATASETS.analytics}.dashboard_data_quality`,
  `${DATASETS.analytics}.dashboard_rejects_by_reason`,
];

/** What each BigQuery type is on DuckDB, derived from the logical types of includes/sql.js (never restated here). */
const DUCKDB_TYPE_OF: ReadonlyMap<string, string> = (() => {
  const bigquery = sql.forDialect("bigquery").types;
  const duckdb = sql.forDialect("duckdb").types;
  return new Map((Object.keys(bigquery) as (keyof typeof bigquery)[]).map((logical) => [bigquery[logical], duckdb[logical]]));
})();

/** A table as DuckDB holds it: its columns with DuckDB's type names, and its rows. */
interface DuckDbTable {
  columns: { name: string; type: string }[];
  rows: JsonRow[];
}

describe("the BigQuery graph executed on ZetaSQL, on the hand-worked fixture", function () {
  this.timeout(120_000);
  const temp = makeTempDir("ecom-bigquery-execution");
  let service: ZetaSqlService | undefined;
  let graph: CompiledGraph;
  let landing: Record<string, JsonRow[]>;
  let execution: GraphExecution;
  let duckdb: Map<string, DuckDbTable>;
  /** The DuckDB warehouse the fixture was landed and run in; the next runs go on in it. */
  let fixtureDb: string;

  before(async () => {
    service = await ZetaSqlService.start();
    const { db } = await runFixturePipeline(temp.dir);
    fixtureDb = db;
    const warehouse = await DuckDbWarehouse.open(db);
    try {
      const raw = await readTables(warehouse, LANDING_TABLES);
      landing = Object.fromEntries(LANDING_TABLES.map((table) => [table, [...raw(table)]]));
      ({ graph } = await compileProject({ projectDir: PROJECT_ROOT, vars: { ...FIXTURE_VARS } }));
      execution = await executeGraph(service, graph, landing);
      duckdb = new Map();
      for (const table of execution.tables.keys()) duckdb.set(table, await readDuckDbTable(warehouse, table));
    } finally {
      warehouse.close();
    }
  });

  after(async () => {
    const pid = service?.pid;
    await service?.stop();
    temp.remove();
    if (pid !== undefined) assert.throws(() => process.kill(pid, 0), { code: "ESRCH" }, `the ZetaSQL server (pid ${pid}) is still running`);
  });

  /** The execution's tables, and the landing rows it was given, by `schema.name`. */
  const bigQueryTables: TableRows = (table) => {
    const rows = execution.tables.get(table)?.rows ?? landing[table];
    if (!rows) throw new Error(`${table} was neither given nor built`);
    return rows;
  };

  it("builds every table, view and incremental table of the BigQuery compile, and skips only the ingestion operation", () => {
    assert.deepEqual([...execution.tables.keys()].sort(), [...BUILT_TABLES].sort());
    assert.deepEqual(execution.skippedOperations, [`${DATASETS.raw}.ingest_raw_sales`]);
  });

  it("evaluates every assertion of the graph, and each returns no rows", () => {
    const assertions = (graph.assertions ?? []).filter((assertion) => !assertion.disabled).map((assertion) => `${assertion.target.schema}.${assertion.target.name}`);
    assert.deepEqual([...execution.assertions.keys()].sort(), assertions.sort());
    assert.equal(execution.assertions.size, 38);
    const failing = [...execution.assertions].filter(([, rows]) => rows.length > 0);
    assert.deepEqual(failing, []);
  });

  describe("gives the hand-worked values", () => {
    for (const check of HAND_WORKED_CHECKS) {
      it(check.title, () => {
        assert.deepEqual(check.actual(bigQueryTables), check.expected);
      });
    }
  });

  describe("equals the DuckDB run of the same fixture, table by table, row by row, types included", () => {
    for (const table of BUILT_TABLES) {
      it(table, () => {
        const built = execution.tables.get(table);
        const local = duckdb.get(table);
        assert.ok(built && local, `${table} was not built on both engines`);
        assert.ok(built.rows.length > 0, `${table} is empty, so comparing it proves nothing`);
        assert.deepEqual(tableDifferences(built, local), []);
      });
    }
  });

  describe("the comparison itself", () => {
    const daily = `${DATASETS.analytics}.agg_daily_sales`;
    // The newest load of a row is the time the fixture landed: leave it out of the rows written below.
    const withoutLoadTime = <T extends { columns: { name: string }[]; rows: JsonRow[] }>(table: T): T => ({
      ...table,
      columns: table.columns.filter((column) => column.name !== "_loaded_at"),
      rows: table.rows.map(({ _loaded_at: _ignored, ...row }) => row),
    });

    it("names a column whose DuckDB type is not the BigQuery type's counterpart (units as HUGEINT, as a plain SUM gave it)", () => {
      const local = duckdb.get(daily) as DuckDbTable;
      const hugeUnits = { ...local, columns: local.columns.map((column) => (column.name === "units" ? { ...column, type: "HUGEINT" } : column)) };
      assert.deepEqual(tableDifferences(execution.tables.get(daily) as ExecutedTable, hugeUnits), [
        "column 8 units: INT64 on BigQuery, which is BIGINT on DuckDB, but DuckDB has HUGEINT",
      ]);
    });

    it("shows a changed value as the row on each side", () => {
      const built = withoutLoadTime(execution.tables.get(daily) as ExecutedTable);
      const changed = built.rows.map((row) => (row.sales_date === "2010-12-02" ? { ...row, net_revenue: "-6.770000000" } : row));
      const row = (net: string) =>
        `{"sales_date":"2010-12-02","country":"United Kingdom","gross_revenue":"0.000000000","cancelled_revenue":"-6.780000000","net_revenue":"${net}","orders":"0","customers":"0","units":"0","avg_order_value":null,"lines":"1"}`;
      assert.deepEqual(tableDifferences({ ...built, rows: changed }, withoutLoadTime(duckdb.get(daily) as DuckDbTable)), [
        `1 row only on BigQuery: ${row("-6.770000000")}`,
        `1 row only on DuckDB: ${row("-6.780000000")}`,
      ]);
    });

    it("counts duplicates, comparing rows as multisets", () => {
      const built = withoutLoadTime(execution.tables.get(daily) as ExecutedTable);
      const first = built.rows.find((row) => row.sales_date === "2011-01-04") as JsonRow;
      assert.deepEqual(tableDifferences({ ...built, rows: [...built.rows, first] }, withoutLoadTime(duckdb.get(daily) as DuckDbTable)), [
        `1 row only on BigQuery: {"sales_date":"2011-01-04","country":"France","gross_revenue":"10.200000000","cancelled_revenue":"0.000000000","net_revenue":"10.200000000","orders":"1","customers":"1","units":"4","avg_order_value":"10.200000000","lines":"1"}`,
      ]);
    });
  });

  describe("the next runs, by the incremental scripts of BigQuery's compile", () => {
    const HEADER = FIXTURE_CSV.split("\n")[0] ?? "";
    // A month of lines of 71053 under a description four of them give it (the fixture gives it
    // "WHITE METAL LANTERN" three times): January, which keeps its rows, must take it from
    // dim_products. The last line cannot be typed (stg_sales_rejected's increment).
    const FEBRUARY = [
      "536100,71053,WHITE LANTERN,1,2/1/2011 9:00,3.39,14000,United Kingdom",
      "536101,71053,WHITE LANTERN,2,2/2/2011 9:00,3.39,14000,United Kingdom",
      "536102,71053,WHITE LANTERN,1,2/2/2011 9:30,3.39,99999,Germany",
      "536103,71053,WHITE LANTERN,1,2/3/2011 9:00,3.39,12583,France",
      "536104,22423,REGENCY CAKESTAND 3 TIER,x,2/3/2011 10:00,12.75,12583,France",
    ];
    // The fixture again without line 8 (the second of two identical lines): a counted line is gone,
    // so the summaries rebuild every date, and the file's lines are replaced in stg_sales and fact_sales.
    const FIXTURE_LINES = FIXTURE_CSV.split("\n").slice(1);
    const REPLACED = FIXTURE_LINES.filter((_line, index) => index !== 7);
    const steps = [
      { title: "a new month", file: "2011-02.csv", lines: FEBRUARY, status: "loaded" },
      { title: "a changed version of a loaded file", file: FIXTURE_FILE_NAME, lines: REPLACED, status: "replaced" },
    ];
    const INCREMENTAL_TABLES = [
      `${DATASETS.staging}.stg_sales`,
      `${DATASETS.staging}.stg_sales_rejected`,
      `${DATASETS.dwh}.fact_sales`,
      `${DATASETS.analytics}.agg_daily_sales`,
      `${DATASETS.analytics}.top_n_products_monthly`,
    ].sort();
    const runs: { execution: GraphExecution; duckdb: Map<string, DuckDbTable>; duckdbModes: Map<string, string | undefined> }[] = [];

    before(async () => {
      let previous = execution;
      for (const step of steps) {
        const source = path.join(temp.dir, step.file);
        fs.writeFileSync(source, `${[HEADER, ...step.lines].join("\n")}\n`);
        const result = await runPipeline({ sources: [source], db: fixtureDb, projectDir: PROJECT_ROOT, vars: { ...FIXTURE_VARS }, fullRefresh: false, output: silentOutput });
        assert.ok(result.run.succeeded, `the DuckDB run after ${step.title} failed`);
        assert.equal(result.loads[0]?.status, step.status);
        const warehouse = await DuckDbWarehouse.open(fixtureDb);
        try {
          const raw = await readTables(warehouse, LANDING_TABLES);
          const next = await executeGraph(service as ZetaSqlService, graph, Object.fromEntries(LANDING_TABLES.map((table) => [table, [...raw(table)]])), { previous });
          const tables = new Map<string, DuckDbTable>();
          for (const table of next.tables.keys()) tables.set(table, await readDuckDbTable(warehouse, table));
          const duckdbModes = new Map(result.run.actions.filter((action) => action.mode).map((action) => [action.name, action.mode]));
          runs.push({ execution: next, duckdb: tables, duckdbModes });
          previous = next;
        } finally {
          warehouse.close();
        }
      }
    });

    steps.forEach((step, index) => {
      it(`after ${step.title}: runs every incremental table by its incremental script, as DuckDB does`, () => {
        const run = runs[index];
        assert.ok(run);
        const incremental = (modes: Map<string, string | undefined>) => [...modes].filter(([, mode]) => mode === "incremental").map(([name]) => name).sort();
        assert.deepEqual(incremental(run.execution.incrementalModes), INCREMENTAL_TABLES);
        assert.deepEqual(incremental(run.duckdbModes), INCREMENTAL_TABLES);
      });

      it(`after ${step.title}: every assertion returns no rows`, () => {
        const failing = [...(runs[index]?.execution.assertions ?? [])].filter(([, rows]) => rows.length > 0);
        assert.equal(runs[index]?.execution.assertions.size, 38);
        assert.deepEqual(failing, []);
      });

      it(`after ${step.title}: equals DuckDB's incremental run, every table row for row`, () => {
        const run = runs[index];
        assert.ok(run);
        const differences = Object.fromEntries(
          BUILT_TABLES.map((table): [string, string[]] => {
            const built = run.execution.tables.get(table);
            const local = run.duckdb.get(table);
            return [table, built && local ? tableDifferences(built, local) : ["not built on both engines"]];
          }).filter(([, found]) => found.length > 0)
        );
        assert.deepEqual(differences, {});
      });
    });

    it("the new month's description reaches the kept January row of the top products (both engines)", () => {
      const january = (rows: readonly JsonRow[]) => rows.filter((row) => row.sales_month === "2011-01-01").map((row) => [row.stock_code, row.description]);
      const top = `${DATASETS.analytics}.top_n_products_monthly`;
      assert.deepEqual(january(runs[0]?.execution.tables.get(top)?.rows ?? []), [
        ["71053", "WHITE LANTERN"],
        ["85123A", "WHITE HANGING HEART T-LIGHT HOLDER"],
      ]);
      assert.deepEqual(january(runs[0]?.duckdb.get(top)?.rows ?? []), january(runs[0]?.execution.tables.get(top)?.rows ?? []));
    });

    it("the replaced version's dropped line leaves its day with one line fewer", () => {
      const day = (rows: readonly JsonRow[]) => rows.filter((row) => row.sales_date === "2010-12-03").map((row) => [row.country, row.lines, row.gross_revenue]);
      const daily = `${DATASETS.analytics}.agg_daily_sales`;
      assert.deepEqual(day(runs[0]?.execution.tables.get(daily)?.rows ?? []), [["United Kingdom", "2", "25.500000000"]]);
      assert.deepEqual(day(runs[1]?.execution.tables.get(daily)?.rows ?? []), [["United Kingdom", "1", "12.750000000"]]);
    });
  });

  describe("failures name the action", () => {
    const withDimProductsQuery = (edit: (query: string) => string): CompiledGraph => ({
      ...graph,
      tables: (graph.tables ?? []).map((table) => (table.target.name === "dim_products" ? { ...table, query: edit(table.query) } : table)),
    });

    it("a query that does not analyze (a DuckDB-only cast) stops the execution before anything runs", async () => {
      const broken = withDimProductsQuery((query) => query.replace("SELECT", "SELECT 1::INT64 AS broken,"));
      await assert.rejects(executeGraph(service as ZetaSqlService, broken, landing), (error: unknown) => {
        assert.ok(error instanceof GraphExecutionError);
        assert.match(error.message, /^The graph does not analyze, so it cannot be executed:\necommerce_dwh\.dim_products \(create table\): Syntax error/);
        return true;
      });
    });

    it("a query that fails on the rows (CAST of a code that is not a number) names its action and ZetaSQL's message", async () => {
      const broken = withDimProductsQuery((query) => query.replace("SELECT", "SELECT CAST(stock_code AS INT64) AS code_number,"));
      await assert.rejects(executeGraph(service as ZetaSqlService, broken, landing), (error: unknown) => {
        assert.ok(error instanceof GraphExecutionError);
        assert.match(error.message, /^ecommerce_dwh\.dim_products: ZetaSQL could not evaluate its query: Bad int64 value/);
        return true;
      });
    });
  });
});

/** Columns (name, type) and rows in the order DuckDB gives them. */
async function readDuckDbTable(warehouse: DuckDbWarehouse, table: string): Promise<DuckDbTable> {
  const [schema, name] = table.split(".") as [string, string];
  const columns = await warehouse.query(
    "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
    [schema, name]
  );
  const rows = await readTables(warehouse, [table]);
  return { columns: columns.map((column) => ({ name: String(column.column_name), type: String(column.data_type) })), rows: [...rows(table)] };
}

/**
 * How a table built by BigQuery's SQL differs from DuckDB's, one readable line per difference: each
 * column's name and type (through includes/sql.js's type names), then the rows, as multisets.
 */
function tableDifferences(bigquery: ExecutedTable, duckdb: DuckDbTable): string[] {
  const differences: string[] = [];
  const sameType = (a: string, b: string) => a.replace(/\s+/g, "") === b.replace(/\s+/g, "");
  const width = Math.max(bigquery.columns.length, duckdb.columns.length);
  for (let index = 0; index < width; index += 1) {
    const [ours, theirs] = [bigquery.columns[index], duckdb.columns[index]];
    if (!ours || !theirs || ours.name !== theirs.name) {
      differences.push(`column ${index + 1}: ${ours ? ours.name : "none"} on BigQuery, ${theirs ? theirs.name : "none"} on DuckDB`);
      continue;
    }
    const expected = DUCKDB_TYPE_OF.get(ours.type);
    if (expected === undefined) differences.push(`column ${index + 1} ${ours.name}: ${ours.type} on BigQuery, which includes/sql.js has no DuckDB name for`);
    else if (!sameType(expected, theirs.type)) {
      differences.push(`column ${index + 1} ${ours.name}: ${ours.type} on BigQuery, which is ${expected} on DuckDB, but DuckDB has ${theirs.type}`);
    }
  }
  if (differences.length > 0) return differences;

  // Rows as text in one column order, counted: identical rows must occur as often on both sides.
  const counts = new Map<string, number>();
  const text = (row: JsonRow) => JSON.stringify(Object.fromEntries(bigquery.columns.map((column) => [column.name, row[column.name] ?? null])));
  for (const row of bigquery.rows) counts.set(text(row), (counts.get(text(row)) ?? 0) + 1);
  for (const row of duckdb.rows) counts.set(text(row), (counts.get(text(row)) ?? 0) - 1);
  for (const [row, count] of counts) if (count > 0) differences.push(`${count} row${count > 1 ? "s" : ""} only on BigQuery: ${row}`);
  for (const [row, count] of counts) if (count < 0) differences.push(`${-count} row${count < -1 ? "s" : ""} only on DuckDB: ${row}`);
  return differences;
}
