import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The repository root, where the Dataform project and the tooling live together: the nearest
 * folder above this module with a workflow_settings.yaml (the module runs from scripts/ or dist/scripts/).
 */
export const PROJECT_ROOT = findProjectRoot(__dirname);

function findProjectRoot(start: string): string {
  for (let directory = start; ; directory = path.dirname(directory)) {
    if (fs.existsSync(path.join(directory, "workflow_settings.yaml"))) return directory;
    if (path.dirname(directory) === directory) return path.resolve(__dirname, "..");
  }
}

/** Where `ecom pipeline` keeps the embedded warehouse unless told otherwise. */
export const DEFAULT_WAREHOUSE = path.join("warehouse", "ecommerce.duckdb");

/** The JSON run report written beside a warehouse file. */
export function runReportPath(warehouseFile: string): string {
  return `${warehouseFile}.last-run.json`;
}
