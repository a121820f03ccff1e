import * as fs from "node:fs";
import * as path from "node:path";
import { EcomError } from "../errors";
import { runReportPath } from "../paths";
import type { RunReportFile } from "../runner/run-report";
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
  const runReport = readRunReport(options.db);
  const warehouse = await DuckDbWarehouse.open(options.db);
  let html: string;
  try {
    html = renderDashboard(await collectDashboardData(warehouse, runReport));
  } finally {
    warehouse.close();
  }
  const file = path.join(options.out, "index.html");
  writeAtomically(file, html);
  return { file, bytes: Buffer.byteLength(html) };
}

/** The run report beside the warehouse, when a run left one; an unreadable one is an error, not a silent "not known". */
function readRunReport(db: string): RunReportFile | undefined {
  const file = runReportPath(path.resolve(db));
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as RunReportFile;
  } catch (error) {
    throw new EcomError(`Cannot read the run report ${file}: ${(error as Error).message}. Run \`ecom pipeline\` again to rewrite it, or delete it.`, {
      cause: error,
    });
  }
}

function writeAtomically(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(partial, text);
    fs.renameSync(partial, file);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw new EcomError(`Cannot write the dashboard to ${file}: ${(error as Error).message}`, { cause: error });
  }
}
