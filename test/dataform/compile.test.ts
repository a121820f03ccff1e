import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { compileProject, formatVars, parseVars } from "../../scripts/dataform/compile";
import { targetName, type CompiledGraph } from "../../scripts/dataform/compiled-graph";
import { compileInProcess } from "../../scripts/dataform/in-process-compile";
import { PROJECT_ROOT } from "../../scripts/paths";
import { DATAFORM_CLI } from "../support/dataform-cli";
import { copyFixtureProject } from "../support/fixture-project";
import { makeTempDir } from "../support/temp";

/** SQL every statement of a graph runs, with where it comes from. */
function statements(graph: CompiledGraph): { origin: string; sql: string }[] {
  const found: { origin: string; sql: string }[] = [];
  for (const table of graph.tables ?? []) {
    const name = targetName(table.target);
    for (const sql of [table.query, table.incrementalQuery, ...(table.preOps ?? []), ...(table.postOps ?? [])]) {
      if (sql) found.push({ origin: name, sql });
    }
  }
  for (const assertion of graph.assertions ?? []) found.push({ origin: targetName(assertion.target), sql: assertion.query });
  for (const operation of graph.operations ?? []) {
    if (!operation.disabled) for (const sql of operation.queries) found.push({ origin: targetName(operation.target), sql });
  }
  for (const test of graph.tests ?? []) {
    found.push({ origin: test.name, sql: test.testQuery }, { origin: test.name, sql: test.expectedOutputQuery });
  }
  return found;
}

/** Functions and syntax that exist in DuckDB but not in BigQuery Standard SQL. */
const DUCKDB_ONLY = [
  /\bTRY_CAST\s*\(/i,
  /\bTRY_STRPTIME\s*\(/i,
  /\bSTRPTIME\s*\(/i,
  /\bSTRFTIME\s*\(/i,
  /\bREGEXP_MATCHES\s*\(/i,
  /\bGENERATE_SERIES\s*\(/i,
  /\bISODOW\s*\(/i,
  /\bCHR\s*\(/i,
  /\bLIST_\w+\s*\(/i,
  /\bSTRUCT_PACK\s*\(/i,
  /\bDATE_DIFF\s*\(\s*'/i,
  /\bDATE_TRUNC\s*\(\s*'/i,
  /::/,
  /\b(VARCHAR|BIGINT|DOUBLE|HUGEINT|TIMESTAMPTZ)\b/i,
  /\bDECIMAL\s*\(/i,
  /"[A-Za-z_][A-Za-z0-9_]*"\."/, // double-quoted identifiers are strings in BigQuery
];

/** Functions and syntax that exist in BigQuery but not in DuckDB. */
const BIGQUERY_ONLY = [
  /\bSAFE_CAST\s*\(/i,
  /\bSAFE\./i,
  /\bPARSE_DATETIME\s*\(/i,
  /\bGENERATE_DATE_ARRAY\s*\(/i,
  /\bTO_HEX\s*\(/i,
  /\bFORMAT_DATE\s*\(/i,
  /\bREGEXP_CONTAINS\s*\(/i,
  /\bCODE_POINTS_TO_STRING\s*\(/i,
  /\bSAFE_DIVIDE\s*\(/i,
  /\bISOWEEK\b/i,
  /\bDAYOFWEEK\b/i,
  /\br'/,
  /\\'/, // backslash-escaped quotes
];

function offending(graph: CompiledGraph, patterns: RegExp[]): string[] {
  return statements(graph).flatMap(({ origin, sql }) =>
    patterns.filter((pattern) => pattern.test(sql)).map((pattern) => `${origin}: ${pattern} in ${sql.match(pattern)?.[0]}`)
  );
}

describe("the Dataform project compiles", function () {
  this.timeout(60_000);
  let bigquery: CompiledGraph;
  let duckdb: CompiledGraph;

  before(async () => {
    [bigquery, duckdb] = await Promise.all([
      compileProject({ projectDir: PROJECT_ROOT, vars: {} }).then((result) => result.graph),
      compileProject({ projectDir: PROJECT_ROOT, vars: { dialect: "duckdb" } }).then((result) => result.graph),
    ]);
  });

  it("for BigQuery by default, with every table of the data contract", () => {
    assert.equal(bigquery.projectConfig?.vars?.dialect, "bigquery");
    const names = (bigquery.tables ?? []).map((table) => targetName(table.target)).sort();
    assert.deepEqual(names, [
      "ecommerce_analytics.agg_customer_segments",
      "ecommerce_analytics.agg_daily_sales",
      "ecommerce_analytics.agg_daily_sales_computed",
      "ecommerce_analytics.customer_rfm",
      "ecommerce_analytics.dashboard_country_monthly_revenue",
      "ecommerce_analytics.dashboard_daily_revenue",
      "ecommerce_analytics.dashboard_data_quality",
      "ecommerce_analytics.dashboard_kpis",
      "ecommerce_analytics.dashboard_rejects_by_reason",
      "ecommerce_analytics.dashboard_rf_grid",
      "ecommerce_analytics.top_n_products_monthly",
      "ecommerce_analytics.top_n_products_monthly_computed",
      "ecommerce_dwh.dim_customers",
      "ecommerce_dwh.dim_dates",
      "ecommerce_dwh.dim_products",
      "ecommerce_dwh.fact_sales",
      "ecommerce_staging.stg_sales",
      "ecommerce_staging.stg_sales_rejected",
      "ecommerce_staging.stg_sales_typed",
    ]);
    assert.deepEqual((bigquery.declarations ?? []).map((declaration) => targetName(declaration.target)).sort(), [
      "ecommerce_raw.load_ledger",
      "ecommerce_raw.raw_sales",
      "ecommerce_raw.raw_sales_malformed",
    ]);
  });

  it("with BigQuery SQL free of DuckDB-only functions and syntax", () => {
    assert.deepEqual(offending(bigquery, DUCKDB_ONLY), []);
  });

  it("with DuckDB SQL free of BigQuery-only functions and syntax", () => {
    assert.deepEqual(offending(duckdb, BIGQUERY_ONLY), []);
  });

  it("with fact_sales incremental by appending (no uniqueKey: no MERGE), partitioned by invoice_date and clustered by customer and product on BigQuery", () => {
    const fact = (bigquery.tables ?? []).find((table) => table.target.name === "fact_sales");
    assert.equal(fact?.type, "incremental");
    assert.equal(fact?.uniqueKey, undefined);
    assert.equal(fact?.bigquery?.partitionBy, "invoice_date");
    assert.deepEqual(fact?.bigquery?.clusterBy, ["customer_key", "product_key"]);
    assert.match(fact?.incrementalQuery ?? "", /WHERE _loaded_at > newest_loaded_at\n/);
  });

  it("with no CTE of a line-grain table read twice in one query (DuckDB would materialize every column of every line)", () => {
    const lineGrain = ["raw_sales", "stg_sales_typed", "stg_sales", "stg_sales_rejected", "fact_sales"];
    const readTwice: string[] = [];
    for (const { origin, sql } of statements(bigquery)) {
      for (const match of sql.matchAll(/(\w+) AS \(\s*SELECT \* FROM `[^`]*\.(\w+)`\s*\)/g)) {
        const [, cte, table] = match;
        if (!lineGrain.includes(table ?? "")) continue;
        // Not `EXTRACT(YEAR FROM cte.column)`, which reads a column of a row already read.
        const reads = sql.match(new RegExp(`\\b(FROM|JOIN)\\s+${cte}\\b(?!\\.)`, "g"))?.length ?? 0;
        if (reads > 1) readTwice.push(`${origin}: ${cte} read ${reads} times`);
      }
    }
    assert.deepEqual(readTwice, []);
  });

  it("with every DECLARE of an incremental run ahead of its other statements, as BigQuery requires of a script", () => {
    const misplaced: string[] = [];
    for (const table of bigquery.tables ?? []) {
      const kinds = (table.incrementalPreOps ?? []).filter((sql) => sql.trim() !== "").map((sql) => (/^\s*DECLARE\b/i.test(sql) ? "declare" : "other"));
      if (kinds.indexOf("other") !== -1 && kinds.lastIndexOf("declare") > kinds.indexOf("other")) misplaced.push(targetName(table.target));
    }
    assert.deepEqual(misplaced, []);
    const declaring = (bigquery.tables ?? []).filter((table) => (table.incrementalPreOps ?? []).some((sql) => /^\s*DECLARE newest_loaded_at TIMESTAMP/.test(sql)));
    assert.deepEqual(declaring.map((table) => table.target.name).sort(), ["agg_daily_sales", "fact_sales", "stg_sales", "stg_sales_rejected", "top_n_products_monthly"]);
  });

  it("with a grain, documented columns, a layer tag and assertions on every table (a view may have a unit test instead)", () => {
    const layers: Record<string, string> = { ecommerce_staging: "staging", ecommerce_dwh: "dwh", ecommerce_analytics: "analytics" };
    // The compiled test names no dataset; its file does (`dataset: { ..., name: "..." }`).
    const unitTested = new Set(
      (bigquery.tests ?? []).map((test) => test.fileName && /dataset:[^}]*name:\s*"([^"]+)"/.exec(fs.readFileSync(path.join(PROJECT_ROOT, test.fileName), "utf8"))?.[1])
    );
    const problems: string[] = [];
    for (const table of bigquery.tables ?? []) {
      const name = targetName(table.target);
      if (!/Grain: one row per/.test(table.actionDescriptor?.description ?? "")) problems.push(`${name}: description states no grain`);
      const columns = table.actionDescriptor?.columns ?? [];
      if (columns.length < 3 || columns.some((column) => !column.description)) problems.push(`${name}: columns not documented`);
      if (!(table.tags ?? []).includes(layers[table.target.schema] ?? "?")) problems.push(`${name}: no layer tag`);
      const checks = (bigquery.assertions ?? []).filter((assertion) => assertion.parentAction && targetName(assertion.parentAction) === name);
      // A view's assertion re-reads all it reads, each run; a view whose rules a unit test checks needs none.
      if (checks.length === 0 && !(table.type === "view" && unitTested.has(table.target.name))) problems.push(`${name}: no assertions`);
      if (table.type !== "view" && !checks.some((assertion) => /uniqueKey/.test(assertion.target.name))) problems.push(`${name}: no unique key`);
    }
    assert.deepEqual(problems, []);
  });

  it("with the cross-table assertions of the data contract", () => {
    const standalone = (bigquery.assertions ?? []).filter((assertion) => !assertion.parentAction).map((assertion) => assertion.target.name).sort();
    assert.deepEqual(standalone, [
      "agg_customer_segments_reconciles",
      "dashboard_figures_reconcile",
      "dim_dates_no_gaps",
      "fact_sales_amount_reconciles",
      "fact_sales_keys_resolve",
      "raw_rows_reconcile",
    ]);
  });

  it("with every reference resolving to a table or a declaration", () => {
    const known = new Set(
      [...(bigquery.tables ?? []), ...(bigquery.declarations ?? []), ...(bigquery.operations ?? [])].map((action) => targetName(action.target))
    );
    const dangling = [...(bigquery.tables ?? []), ...(bigquery.assertions ?? [])].flatMap((action) =>
      (action.dependencyTargets ?? []).map(targetName).filter((name) => !known.has(name)).map((name) => `${targetName(action.target)} -> ${name}`)
    );
    assert.deepEqual(dangling, []);
  });

  it("with the scheduled ingestion as a BigQuery operation tagged ingest, ahead of staging, and disabled on DuckDB", () => {
    const ingest = (graph: CompiledGraph) => (graph.operations ?? []).find((operation) => operation.target.name === "ingest_raw_sales");
    assert.deepEqual(ingest(bigquery)?.tags, ["ingest"]);
    assert.equal(ingest(bigquery)?.disabled ?? false, false);
    assert.equal(ingest(duckdb)?.disabled, true);
    const script = ingest(bigquery)?.queries.join("\n") ?? "";
    assert.match(script, /uris = \['gs:\/\/your-raw-bucket\/raw_sales\/\*\.csv'\]/);
    assert.match(script, /BEGIN TRANSACTION;[\s\S]*DELETE FROM `your-gcp-project\.ecommerce_raw\.raw_sales`[\s\S]*INSERT INTO `your-gcp-project\.ecommerce_raw\.load_ledger`[\s\S]*COMMIT TRANSACTION;/);
    const typed = (bigquery.tables ?? []).find((table) => table.target.name === "stg_sales_typed");
    assert.ok(typed?.dependencyTargets?.some((target) => target.name === "ingest_raw_sales"));
  });

  it("with unit tests for the models that compute, the dashboard's included", () => {
    assert.deepEqual((bigquery.tests ?? []).map((test) => test.name).sort(), [
      "agg_customer_segments_totals",
      "agg_daily_sales_by_country",
      "customer_rfm_scores",
      "dashboard_country_monthly_revenue_top_countries",
      "dashboard_daily_revenue_moving_average",
      "dashboard_data_quality_counts",
      "dashboard_kpis_figures",
      "dashboard_rejects_by_reason_ranks",
      "dashboard_rf_grid_cells",
      "dim_dates_calendar",
      "stg_sales_typed_rules",
      "top_n_products_monthly_cut_off",
    ]);
  });

  it("reuses an earlier compile of the same project and vars", async () => {
    const again = await compileProject({ projectDir: PROJECT_ROOT, vars: { dialect: "duckdb" } });
    assert.equal(again.cached, true);
    assert.deepEqual(again.graph, duckdb);
  });

  it("fails naming the var when a var is invalid", async () => {
    await assert.rejects(
      compileProject({ projectDir: PROJECT_ROOT, vars: { dialect: "duckdb", top_n: "ten" }, useCache: false }),
      (error: Error) => /top_n/.test(error.message) && /whole number/.test(error.message)
    );
  });
});

describe("vars on the command line", () => {
  it("parse from key=value pairs and format back sorted", () => {
    assert.deepEqual(parseVars("top_n=5, rfm_as_of=2011-12-11"), { top_n: "5", rfm_as_of: "2011-12-11" });
    assert.equal(formatVars({ top_n: "5", dialect: "duckdb" }), "dialect=duckdb,top_n=5");
    assert.deepEqual(parseVars(undefined), {});
  });

  it("refuse malformed pairs and values the CLI cannot carry", () => {
    assert.throws(() => parseVars("top_n"), /key=value/);
    assert.throws(() => formatVars({ top_n: "1,2" }), /may not contain/);
  });
});

/** What `dataform compile DIR --json [--vars=...]` prints, as the CLI prints it: the reference. */
function cliCompileOutput(projectDir: string, vars: Record<string, string>): { status: number | null; stdout: string } {
  const args = [DATAFORM_CLI, "compile", projectDir, "--json", ...(Object.keys(vars).length > 0 ? [`--vars=${formatVars(vars)}`] : [])];
  const result = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout };
}

describe("compiling in this process", function () {
  this.timeout(180_000);
  const temp = makeTempDir("ecom-in-process-compile");
  after(() => temp.remove());
  const fixtures = { runner: copyFixtureProject("runner-project", temp.dir), check: copyFixtureProject("bigquery-check-project", temp.dir) };

  const cases: { project: string; dir: () => string; vars: Record<string, string> }[] = [
    { project: "this project", dir: () => PROJECT_ROOT, vars: {} },
    { project: "this project", dir: () => PROJECT_ROOT, vars: { dialect: "duckdb" } },
    { project: "this project", dir: () => PROJECT_ROOT, vars: { dialect: "duckdb", top_n: "3", rfm_as_of: "2011-06-30" } },
    { project: "this project", dir: () => PROJECT_ROOT, vars: { top_n: "5", rfm_as_of: "2011-12-01" } },
    { project: "the runner fixture", dir: () => fixtures.runner, vars: {} },
    { project: "the runner fixture", dir: () => fixtures.runner, vars: { min_amount: "10" } },
    { project: "the runner fixture", dir: () => fixtures.runner, vars: { dialect: "bigquery", min_amount: "5" } },
    { project: "the BigQuery check fixture", dir: () => fixtures.check, vars: {} },
  ];
  for (const { project, dir, vars } of cases) {
    it(`gives ${project}, vars ${formatVars(vars) || "(none)"}, byte for byte what dataform compile --json prints`, () => {
      const reference = cliCompileOutput(dir(), vars);
      assert.equal(reference.status, 0);
      const { json, graph } = compileInProcess(dir(), vars);
      // The CLI prints the JSON, a newline, and one more from its writer.
      assert.equal(`${json}\n\n`, reference.stdout);
      assert.deepEqual(graph, JSON.parse(reference.stdout));
    });
  }

  it("reports a project's compilation errors as the CLI does (same files and messages)", () => {
    const vars = { dialect: "duckdb", top_n: "ten" };
    const reference = cliCompileOutput(PROJECT_ROOT, vars);
    assert.equal(reference.status, 1);
    const errors = (graph: CompiledGraph) => (graph.graphErrors?.compilationErrors ?? []).map((error) => ({ fileName: error.fileName, message: error.message }));
    const expected = errors(JSON.parse(reference.stdout) as CompiledGraph);
    assert.equal(expected.length > 0, true);
    // Stack traces name the frames of whoever called core (the CLI's worker, or this module), so only they differ.
    assert.deepEqual(errors(compileInProcess(PROJECT_ROOT, vars).graph), expected);
  });

  it("falls back to the Dataform CLI when it cannot compile here, saying why once, with the CLI's graph", () => {
    // A core without its .proto files: the CLI does not need them (it carries its own), this module does.
    const project = copyFixtureProject("runner-project", path.join(temp.dir, "no-protos"));
    fs.rmSync(path.join(project, "node_modules", "@dataform", "core", "core.proto"));
    const script = `
      const { compileProject } = require(${JSON.stringify(path.join(PROJECT_ROOT, "scripts", "dataform", "compile.ts"))});
      (async () => {
        for (const useCache of [false, false]) {
          const result = await compileProject({ projectDir: ${JSON.stringify(project)}, vars: {}, useCache });
          process.stdout.write(result.compiler + " " + JSON.stringify(result.graph) + "\\n");
        }
      })();`;
    const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      env: { ...process.env, TS_NODE_PROJECT: path.join(PROJECT_ROOT, "tsconfig.json") },
    });
    assert.equal(run.status, 0, run.stderr);
    const realProject = fs.realpathSync(project);
    assert.equal(
      run.stderr,
      `Could not compile the Dataform project in this process (ENOENT: no such file or directory, open '${path.join(realProject, "node_modules", "@dataform", "core", "core.proto")}'); ` +
        "compiling with the Dataform CLI instead, which is slower.\n"
    );
    const reference = JSON.stringify(JSON.parse(cliCompileOutput(project, {}).stdout));
    assert.deepEqual(run.stdout.trim().split("\n"), [`cli ${reference}`, `cli ${reference}`]);
  });
});
