import * as fs from "node:fs";
import type { RunReport } from "./duckdb-runner";
import type { Selection } from "./selection";
import type { UnitTestResult } from "./unit-tests";

export interface RunReportFile {
  warehouse: string;
  startedAt: string;
  /** cached: the graph came from the compile cache and `dataform compile` did not run. */
  compile: { cached: boolean; seconds: number };
  selection: Selection;
  fullRefresh: boolean;
  tests?: UnitTestResult[];
  succeeded: boolean;
  seconds: number;
  actions: RunReport["actions"];
}

/** Writes the run report beside the warehouse, whole or not at all (written aside, then renamed). */
export function writeRunReport(file: string, report: RunReportFile): void {
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, `${JSON.stringify(report, null, 2)}\n`);
  fs.renameSync(partial, file);
}
