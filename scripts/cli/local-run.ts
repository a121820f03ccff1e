import * as fs from "node:fs";
import * as path from "node:path";
import { loadProjectConfig } from "../config";
import { parseVars } from "../dataform/compile";
import { writeDashboard } from "../dashboard/write-dashboard";
import { docsDirBeside } from "./commands/docs";
import { EcomError } from "../errors";
import { generateSampleCsv } from "../generate/sample-data";
import { DEFAULT_WAREHOUSE } from "../paths";
import type { LoadOptions } from "../loader/duckdb-loader";
import { runPipeline, type PipelineResult } from "../pipeline";
import { collectSummary, formatSummary } from "../summary";
import { DuckDbWarehouse } from "../warehouse/duckdb";
import type { RunOptions } from "./flags";
import { formatCount } from "../format";
import type { Output } from "../output";
import { loadProgressBar } from "./progress";
import { LoadTracker, reportingInterrupts } from "./load-report";

/** Loads `sources` (if any), runs the graph, prints the summary; returns the exit code. */
export async function runAndSummarise(
  sources: string[],
  options: RunOptions,
  output: Output,
  load: Omit<LoadOptions, "identity"> & { verbose?: boolean } = {},
  { dashboard = false, title = "Pipeline" }: { dashboard?: boolean; title?: "Pipeline" | "Run" } = {}
): Promise<number> {
  const progress = loadProgressBar();
  const config = loadProjectConfig(options.projectDir);
  const tracker = new LoadTracker(sources);
  // Ctrl-C while loading says what landed; after, the action in progress is rolled back (each action is one transaction).
  const interrupted = () =>
    tracker.loading()
      ? tracker.interrupted()
      : ["Interrupted (Ctrl-C) during the run: the action in progress is rolled back; every table is at its previous or its new version.", ...tracker.interrupted().slice(1, 2)];
  const { verbose, ...landing } = load;
  const result = await reportingInterrupts(interrupted, (line) => output.info(line), () => runPipeline({
    sources,
    ...(verbose ? { verbose } : {}),
    load: { ...landing, config, onProgress: progress.onProgress, onStart: tracker.onStart, onResult: tracker.onResult },
    db: options.db,
    projectDir: options.projectDir,
    vars: parseVars(options.vars),
    fullRefresh: options.fullRefresh,
    useCompileCache: options.compileCache,
    selection: {
      ...(options.actions ? { actions: options.actions } : {}),
      ...(options.tags ? { tags: options.tags } : {}),
      includeDependencies: options.includeDeps,
      includeDependents: options.includeDependents,
    },
    runTests: options.runTests,
    output,
  })).finally(() => progress.stop());
  await printPipelineSummary(result, options.db, output, title);
  if (dashboard) await writeDashboardBeside(options.db, output);
  return result.run.succeeded ? 0 : 1;
}

async function printPipelineSummary(result: PipelineResult, db: string, output: Output, title: "Pipeline" | "Run"): Promise<void> {
  const warehouse = await DuckDbWarehouse.open(db);
  try {
    const summary = await collectSummary(warehouse, result.graph);
    const assertions = result.run.actions.filter((action) => action.kind === "assertion");
    const passed = assertions.filter((action) => action.status === "succeeded").length;
    const failed = assertions.filter((action) => action.status === "failed").length;
    const skipped = assertions.length - passed - failed;
    const s = result.seconds;
    output.result("");
    output.result(
      `${title} ${result.run.succeeded ? "succeeded" : "FAILED"} in ${s.total.toFixed(1)}s ` +
        `(load ${s.load.toFixed(1)}s, compile ${s.compile.toFixed(1)}s${result.compile.cached ? " cached" : ""}, ` +
        `run ${s.run.toFixed(1)}s; action time: transform ${s.transform.toFixed(1)}s, assertions ${s.assertions.toFixed(1)}s, up to ${result.run.concurrentActions ?? 1} at once).`
    );
    output.result(`Assertions: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}.`);
    const notRun = result.run.actions.filter((action) => action.kind !== "assertion" && action.status !== "succeeded");
    for (const action of notRun) output.result(`${action.status === "failed" ? "Failed" : "Skipped"}: ${action.name}`);
    if (result.tests) {
      const failedTests = result.tests.filter((test) => !test.passed).length;
      output.result(`Unit tests: ${result.tests.length - failedTests} passed, ${failedTests} failed.`);
    }
    output.result("");
    for (const line of formatSummary(summary)) output.result(line);
    output.result("");
    output.result(`Warehouse: ${db}`);
    output.result(`Run report: ${path.relative(process.cwd(), result.reportFile) || result.reportFile}`);
  } finally {
    warehouse.close();
  }
}

/**
 * The pipeline's last step: the dashboard beside the warehouse (warehouse/ecommerce-dashboard/index.html
 * for the default one). A run whose analytics were skipped has no dashboard to draw; that is said, not
 * made a second error.
 */
async function writeDashboardBeside(db: string, output: Output): Promise<void> {
  try {
    // One per warehouse file, so two warehouses in one folder keep their own.
    const out = path.join(path.dirname(db), `${path.basename(db, path.extname(db))}-dashboard`);
    const { file } = await writeDashboard({ db, out });
    output.result(`Dashboard: ${path.relative(process.cwd(), file) || file}`);
    // The docs need the BigQuery compile and ZetaSQL too, a few seconds more: built on request.
    const docs = path.join(docsDirBeside(db), "index.html");
    const dbFlag = path.resolve(db) === path.resolve(DEFAULT_WAREHOUSE) ? "" : ` -- --db ${db}`;
    output.result(`Docs and lineage: \`npm run docs${dbFlag}\` writes ${path.relative(process.cwd(), docs) || docs}`);
  } catch (error) {
    if (!(error instanceof EcomError)) throw error;
    output.result(`Dashboard: not written (${error.message})`);
  }
}

/** The generated sample for these settings, written once and reused (the same file version loads once). */
export async function ensureSample(rows: number, seed: number, output: Output): Promise<string> {
  const file = path.join("data", `sample-online-retail-${rows}-seed${seed}.csv`);
  if (!fs.existsSync(file)) {
    output.info(`Generating a sample of ${formatCount(rows)} lines (seed ${seed}) in ${file} ...`);
    await generateSampleCsv({ rows, seed, out: file });
  }
  return file;
}
