import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { DATASETS } from "../../scripts/config";
import { compileProject } from "../../scripts/dataform/compile";
import type { CompiledGraph } from "../../scripts/dataform/compiled-graph";
import { CSV_HEADER, UNTYPEABLE_REASONS } from "../../scripts/generate/sample-data";
import { PROJECT_ROOT } from "../../scripts/paths";
import contract = require("../../includes/contract");
import landing = require("../../includes/landing");
import retail = require("../../includes/retail");

/** Every file under `dir` (relative to the repository) whose name ends with one of `extensions`. */
function filesUnder(dir: string, extensions: string[]): string[] {
  const found: string[] = [];
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(PROJECT_ROOT, relative), { withFileTypes: true })) {
      const child = path.posix.join(relative, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (extensions.some((extension) => entry.name.endsWith(extension))) found.push(child);
    }
  };
  walk(dir);
  return found.sort();
}

const DATASET_NAME = /\becommerce_(raw|staging|dwh|analytics|assertions)\b/;

describe("the data contract (includes/contract.js)", function () {
  this.timeout(120_000);
  let graphs: { bigquery: CompiledGraph; duckdb: CompiledGraph };

  before(async () => {
    graphs = {
      bigquery: (await compileProject({ projectDir: PROJECT_ROOT, vars: {} })).graph,
      duckdb: (await compileProject({ projectDir: PROJECT_ROOT, vars: { dialect: "duckdb" } })).graph,
    };
  });

  it("names the five datasets", () => {
    assert.deepEqual(contract.DATASETS, {
      raw: "ecommerce_raw",
      staging: "ecommerce_staging",
      dwh: "ecommerce_dwh",
      analytics: "ecommerce_analytics",
      assertions: "ecommerce_assertions",
    });
    assert.equal(DATASETS, contract.DATASETS, "scripts/config.ts re-exports the contract's datasets, not a copy");
  });

  it("is where every action of both compiles gets its dataset: each of the five is used, and no other", () => {
    for (const [dialect, graph] of Object.entries(graphs)) {
      const actions = [...(graph.tables ?? []), ...(graph.declarations ?? []), ...(graph.assertions ?? []), ...(graph.operations ?? [])];
      const schemas = new Set(actions.map((action) => action.target.schema));
      assert.deepEqual([...schemas].sort(), Object.values(contract.DATASETS).sort(), dialect);
      assert.deepEqual(
        (graph.declarations ?? []).map((declaration) => declaration.target.schema),
        Object.keys(contract.LANDING_TABLES).map(() => contract.DATASETS.raw),
        `${dialect}: the landing tables are declared in the raw dataset`
      );
    }
  });

  it("agrees with workflow_settings.yaml, which cannot require it, on the default and assertion datasets", () => {
    const settings = parseYaml(fs.readFileSync(path.join(PROJECT_ROOT, "workflow_settings.yaml"), "utf8")) as Record<string, unknown>;
    assert.equal(settings.defaultDataset, contract.DATASETS.dwh);
    assert.equal(settings.defaultAssertionDataset, contract.DATASETS.assertions);
  });

  it("is the only place the models, includes and tooling write a dataset name", () => {
    const files = [
      ...filesUnder("definitions", [".sqlx", ".js"]),
      ...filesUnder("includes", [".js"]),
      ...filesUnder("scripts", [".ts", ".js"]),
      ...filesUnder("bin", [".js"]),
    ];
    const writing = files.filter((file) => DATASET_NAME.test(fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8")));
    assert.deepEqual(writing, ["includes/contract.js"]);
  });

  it("holds the reject reasons once, in the order stg_sales_typed tries its rules", () => {
    assert.deepEqual(Object.values(contract.REJECT_REASONS), [
      "missing invoice_no",
      "missing stock_code",
      "invalid quantity",
      "invalid unit_price",
      "invalid invoice_date",
      "invalid customer_id",
      "missing country",
    ]);
    const typed = (graphs.bigquery.tables ?? []).find((table) => table.target.name === "stg_sales_typed");
    const reasonsInSql = [...(typed?.query ?? "").matchAll(/WHEN [^\n]* THEN '([^']*)'/g)].map((match) => match[1]);
    assert.deepEqual(reasonsInSql, Object.values(contract.REJECT_REASONS));
    for (const name of ["stg_sales_typed", "stg_sales_rejected"]) {
      const table = (graphs.bigquery.tables ?? []).find((candidate) => candidate.target.name === name);
      assert.ok(table?.actionDescriptor?.columns?.find((column) => column.path?.[0] === "reject_reason")?.description?.includes(contract.REJECT_REASON_LIST), name);
    }
    assert.ok(UNTYPEABLE_REASONS.every((reason) => (Object.values(contract.REJECT_REASONS) as string[]).includes(reason)), "the generator breaks lines by the contract's reasons");
  });

  it("holds the source columns once: the header readers, the landing table and the generator take them from it", () => {
    assert.equal(contract.SOURCE_HEADER_LINE, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country");
    assert.equal(retail.SOURCE_COLUMNS, contract.SOURCE_COLUMNS);
    assert.equal(retail.SOURCE_COLUMN_NAMES, contract.SOURCE_COLUMN_NAMES);
    assert.equal(landing.LANDING_TABLES, contract.LANDING_TABLES);
    assert.equal(CSV_HEADER, contract.SOURCE_HEADER_LINE);
    assert.deepEqual(
      contract.LANDING_TABLES.raw_sales.columns.slice(0, 8).map((column) => column.name),
      ["invoice_no", "stock_code", "description", "quantity", "invoice_date", "unit_price", "customer_id", "country"]
    );
  });
});
