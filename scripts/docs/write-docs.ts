import * as fs from "node:fs";
import * as path from "node:path";
import { compileProject } from "../dataform/compile";
import { EcomError } from "../errors";
import { checkGraph } from "../googlesql/check-graph";
import { withZetaSql } from "../googlesql/zetasql-service";
import { writeFileAtomically } from "../atomic-write";
import { readRunReportBeside } from "../runner/run-report";
import { DuckDbWarehouse } from "../warehouse/duckdb";
import type { Warehouse } from "../warehouse/warehouse";
import { buildDocsModel, type DocsModel, type WarehouseFacts } from "./docs-model";
import { toMermaid } from "./mermaid";
import { renderDocs } from "./render-docs";

export interface DocsOptions {
  projectDir: string;
  vars: Record<string, string>;
  /** A DuckDB warehouse the pipeline built: row counts, DuckDB types and the last run's statuses. */
  db?: string;
}

/**
 * The docs model of a project: compiled for BigQuery and for DuckDB, analyzed by ZetaSQL (types and
 * column lineage), and, with a warehouse, its row counts and last run.
 */
export async function buildDocs(options: DocsOptions): Promise<DocsModel> {
  const [bigquery, duckdb] = await Promise.all([
    compileProject({ projectDir: options.projectDir, vars: { ...options.vars, dialect: "bigquery" } }),
    compileProject({ projectDir: options.projectDir, vars: { ...options.vars, dialect: "duckdb" } }),
  ]);
  const check = await withZetaSql((service) => checkGraph(service, bigquery.graph));
  const warehouse = options.db ? await readWarehouseFacts(options.db) : undefined;
  return buildDocsModel({ bigquery: bigquery.graph, duckdb: duckdb.graph, check, ...(warehouse ? { warehouse } : {}) });
}

/** Writes the site (`index.html`), the model (`docs.json`) and the graph (`graph.mmd`) into `out`. */
export function writeDocsSite(model: DocsModel, out: string): { file: string; bytes: number } {
  const html = renderDocs(model);
  const file = path.join(out, "index.html");
  writeFileAtomically(file, html, "the docs site");
  writeFileAtomically(path.join(out, "docs.json"), `${JSON.stringify(model, null, 2)}\n`, "the docs model");
  writeFileAtomically(path.join(out, "graph.mmd"), toMermaid(model), "the Mermaid graph");
  return { file, bytes: Buffer.byteLength(html) };
}

async function readWarehouseFacts(db: string): Promise<WarehouseFacts> {
  // Opening a missing file would create an empty warehouse: refuse before that.
  if (!fs.existsSync(db)) throw new EcomError(`There is no warehouse at ${db}: run \`ecom pipeline --db ${db}\` first, or leave out --db.`);
  const warehouse = await DuckDbWarehouse.open(db);
  try {
    return await warehouseFacts(warehouse);
  } finally {
    warehouse.close();
  }
}

/** Row counts, column types and the last run's report (beside the warehouse file) of an open warehouse. */
async function warehouseFacts(warehouse: Warehouse): Promise<WarehouseFacts> {
  const tables = await warehouse.query(
    "SELECT table_schema, table_name, table_type FROM information_schema.tables WHERE table_catalog = current_database() ORDER BY 1, 2"
  );
  const rows = new Map<string, number>();
  const columnTypes = new Map<string, Map<string, string>>();
  for (const table of tables) {
    const id = `${String(table.table_schema)}.${String(table.table_name)}`;
    // Views would be computed to be counted; their rows are their query's, not stored.
    if (table.table_type === "BASE TABLE") {
      rows.set(id, Number(await warehouse.scalar(`SELECT COUNT(*) FROM ${warehouse.table(String(table.table_schema), String(table.table_name))}`)));
    }
  }
  const columns = await warehouse.query(
    "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns WHERE table_catalog = current_database() ORDER BY table_schema, table_name, ordinal_position"
  );
  for (const column of columns) {
    const id = `${String(column.table_schema)}.${String(column.table_name)}`;
    if (!columnTypes.has(id)) columnTypes.set(id, new Map());
    columnTypes.get(id)?.set(String(column.column_name), String(column.data_type));
  }
  const runReport = readRunReportBeside(warehouse.file);
  return { file: path.resolve(warehouse.file), rows, columnTypes, ...(runReport ? { runReport } : {}) };
}
