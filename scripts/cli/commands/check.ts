import * as path from "node:path";
import { DATASETS } from "../../config";
import { compileProject, parseVars } from "../../dataform/compile";
import { checkGraph } from "../../googlesql/check-graph";
import { describeCheck } from "../../googlesql/check-report";
import { loaderScripts } from "../../googlesql/tooling-scripts";
import { withZetaSql } from "../../googlesql/zetasql-service";
import { PROJECT_ROOT } from "../../paths";
import { secondsSince, startTimer } from "../../timing";
import type { Output } from "../../output";

export interface CheckFlags {
  warehouse: "bigquery";
  vars?: string;
  projectDir: string;
}

/**
 * `ecom check --warehouse bigquery`: compiles the graph for BigQuery and has ZetaSQL analyze every
 * statement BigQuery would receive (and, for this repository, the loader's). Returns the exit code:
 * 0 when everything analyzes, 1 when a statement does not.
 */
export async function checkCommand(flags: CheckFlags, output: Output): Promise<number> {
  const started = startTimer();
  const vars = { ...parseVars(flags.vars), dialect: "bigquery" };
  const { graph } = await compileProject({ projectDir: flags.projectDir, vars });
  // The loader's SQL belongs to this repository's tooling; another project is checked on its own graph.
  const ownProject = path.resolve(flags.projectDir) === path.resolve(PROJECT_ROOT);
  const tooling = ownProject ? loaderScripts(graph.projectConfig?.defaultDatabase ?? "", DATASETS.raw) : [];
  output.info(`Analyzing the BigQuery compile of ${flags.projectDir} with ZetaSQL (GoogleSQL)...`);
  const check = await withZetaSql((service) => checkGraph(service, graph, tooling));
  const report = describeCheck(check, secondsSince(started));
  for (const failure of report.failures) output.result(failure);
  for (const note of report.notes) output.info(note);
  output.result(report.summary);
  return check.failures.length === 0 ? 0 : 1;
}
