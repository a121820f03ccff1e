import * as fs from "node:fs";
import * as path from "node:path";
import { EcomError } from "../errors";
import { writeFileAtomically } from "../atomic-write";
import { readRunReportBeside } from "../runner/run-report";
import { DuckDbWarehouse } from "../warehouse/duckdb";
import { collectDashboardData } from "./dashboard-data";
import { renderDashboard } from "./render-dashboard";

export interface WriteDashboardOptions {
  /** The DuckDB warehouse file a pipeline has built. */
  db: string;
  /** Directory to write index.html into; created when absent. */
  out: string;
}

/**
 * Builds the dashboard of a warehouse into `<out>/index.html`. The warehouse is only read, and is
 * closed before the page is written, so it is held no longer than the queries take. The page is
 * written aside and renamed, so a reader never sees half a page.
 */
export async function writeDashboard(options: WriteDashboardOptions): Promise<{ file: string; bytes: number }> {
  // Opening a missing file would create an empty warehouse: refuse before that.
  if (!fs.existsSync(options.db)) {
    throw new EcomError(`There is no warehouse at ${options.db}: run \`ecom pipeline --db ${options.db}\` first, then build the dashboard.`);
  }
  const runReport = readRunReportBeside(options.db);
  const warehouse = await DuckDbWarehouse.open(options.db);
  let html: string;
  try {
    html = renderDashboard(await collectDashboardData(warehouse, runReport));
  } finally {
    warehouse.close();
  }
  const file = path.join(options.out, "index.html");
  writeFileAtomically(file, html, "the dashboard");
  return { file, bytes: Buffer.byteLength(html) };
}
