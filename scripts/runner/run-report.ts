import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomically } from "../atomic-write";
import { EcomError } from "../errors";
import { runReportPath } from "../paths";
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
  writeFileAtomically(file, `${JSON.stringify(report, null, 2)}\n`, "the run report");
}

/** The run report beside a warehouse, when a run left one; an unreadable one is an error, not a silent "not known". */
export function readRunReportBeside(db: string): RunReportFile | undefined {
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
