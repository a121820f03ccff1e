import * as path from "node:path";
import { DATASETS } from "./config";
import { compileProject, type CompileResult } from "./dataform/compile";
import { LoadError, UsageError } from "./errors";
import type { FileLoadResult } from "./loader/duckdb-loader";
import { loadSources, type SourcesLoadOptions } from "./loader/load-sources";
import type { CompiledGraph } from "./dataform/compiled-graph";
import { runReportPath } from "./paths";
import { selectActions, type Selection } from "./runner/selection";
import { runUnitTests, type UnitTestResult } from "./runner/unit-tests";
import { runGraph, type ActionResult, type RunOptions, type RunReport } from "./runner/duckdb-runner";
import { writeRunReport } from "./runner/run-report";
import { formatCount } from "./format";
import type { Output } from "./output";
import { describeAction } from "./describe-action";
import { DuckDbWarehouse } from "./warehouse/duckdb";
import { secondsSince, startTimer } from "./timing";

export interface PipelineOptions {
  /** Files to land first; none for `ecom run`. */
  sources: string[];
  /** How to land them (encoding, malformed lines, force, progress; where gs:// sources are read). */
  load?: SourcesLoadOptions;
  db: string;
  projectDir: string;
  /** Dataform vars from the command line; `dialect` is always duckdb here. */
  vars: Record<string, string>;
  fullRefresh: boolean;
  useCompileCache?: boolean;
  /** Which actions to run (default: all). */
  selection?: Selection;
  /** Run the graph's unit tests first, and run nothing if one fails (`dataform run --run-tests`). */
  runTests?: boolean;
  /** Show the engine's own error under a refused file's message. */
  verbose?: boolean;
  /** Write DuckDB's query profile of each action into this folder (see RunOptions.profileDir). */
  profileDir?: string;
  /** Called before each action commits (see RunOptions.beforeCommit). */
  beforeCommit?: RunOptions["beforeCommit"];
  output: Output;
}

export interface PhaseSeconds {
  compile: number;
  load: number;
  /** The graph's run, wall clock. */
  run: number;
  /** The tables' and views' own times, summed; actions run two at once, so with assertions they add up to more than `run`. */
  transform: number;
  /** The assertions' own times, summed. */
  assertions: number;
  /** Writing the warehouse file through (DuckDB's CHECKPOINT). */
  checkpoint: number;
  total: number;
}

export interface PipelineResult {
  loads: FileLoadResult[];
  compile: CompileResult;
  /** The part of the compiled graph this run selected. */
  graph: CompiledGraph;
  tests?: UnitTestResult[];
  run: RunReport;
  seconds: PhaseSeconds;
  reportFile: string;
}

/**
 * Load, compile and run on the embedded warehouse. The compile (in this process, a fraction of a
 * second when not cached) runs first; loading does not wait for its outcome: a compile error is
 * reported after the files have landed, as they would land anyway.
 */
export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const started = startTimer();
  const startedAt = new Date().toISOString();
  const { output } = options;
  if (options.vars.dialect && options.vars.dialect !== "duckdb") {
    throw new UsageError(`The local pipeline runs the DuckDB dialect; drop --vars dialect=${options.vars.dialect}.`);
  }
  const warehouse = await DuckDbWarehouse.open(options.db);
  let result: PipelineResult;
  try {
    const compiling = compileProject({
      projectDir: options.projectDir,
      vars: { ...options.vars, dialect: "duckdb" },
      useCache: options.useCompileCache ?? true,
    });
    // Without this, a compile failure while loading would be reported as unhandled.
    compiling.catch(() => undefined);
    const loadStarted = startTimer();
    if (options.sources.length > 0) output.info(`Loading ${options.sources.length} file(s) ...`);
    const loads = await loadSources(warehouse, options.sources, (result) => output.info(describeLoad(result, options.verbose)), options.load);
    const loadSeconds = secondsSince(loadStarted);
    const refused = loads.filter((load) => load.status === "refused");
    if (refused.length > 0) {
      // The graph would run on some files and not others: the analytics would be silently short.
      throw new LoadError(
        `${refused.length} of ${loads.length} file(s) refused (${refused.map((load) => load.file).join(", ")}), so nothing was run. ` +
          "The files that landed stay landed; fix or remove the refused ones and run again."
      );
    }
    const compile = await compiling;
    output.info(
      compile.cached
        ? `Compiled graph unchanged since the last compile: reused it (${compile.seconds.toFixed(2)}s).`
        : `Compiled the Dataform project (${compile.seconds.toFixed(2)}s).`
    );

    const graph = selectActions(compile.graph, options.selection ?? {});
    const tests = options.runTests ? await runUnitTests(warehouse, graph) : undefined;
    for (const test of tests ?? []) {
      output.info(`${test.passed ? "passed" : "FAILED"}  unit test ${test.name}`);
      for (const difference of test.differences) output.info(`    ${difference}`);
    }
    const testsFailed = (tests ?? []).some((test) => !test.passed);
    if (testsFailed) output.info("A unit test failed: nothing was run.");
    const run: RunReport = testsFailed
      ? { actions: [], succeeded: false, seconds: 0 }
      : await runGraph(warehouse, graph, {
          fullRefresh: options.fullRefresh,
          ...(options.profileDir ? { profileDir: options.profileDir } : {}),
          ...(options.beforeCommit ? { beforeCommit: options.beforeCommit } : {}),
          onActionDone: (result: ActionResult, done: number, total: number) => {
            for (const line of describeAction(result, done, total)) output.info(line);
          },
        });
    // Writes everything through to the warehouse file now, so its cost shows as a phase of its own
    // instead of hiding in close().
    const checkpointStarted = startTimer();
    await warehouse.run("CHECKPOINT");
    const checkpointSeconds = secondsSince(checkpointStarted);
    const reportFile = runReportPath(path.resolve(options.db));
    writeRunReport(reportFile, {
      warehouse: options.db,
      startedAt,
      compile: { cached: compile.cached, seconds: compile.seconds },
      selection: options.selection ?? {},
      fullRefresh: options.fullRefresh,
      ...(tests ? { tests } : {}),
      succeeded: run.succeeded,
      seconds: run.seconds,
      actions: run.actions,
    });
    const sum = (kinds: ActionResult["kind"][]) =>
      run.actions.filter((action) => kinds.includes(action.kind)).reduce((total, action) => total + action.seconds, 0);
    result = {
      loads,
      compile,
      graph,
      ...(tests ? { tests } : {}),
      run,
      reportFile,
      seconds: {
        compile: compile.seconds,
        load: loadSeconds,
        run: run.seconds,
        transform: sum(["table", "view", "incremental", "operations"]),
        assertions: sum(["assertion"]),
        checkpoint: checkpointSeconds,
        total: 0,
      },
    };
  } finally {
    warehouse.close();
  }
  // Closing writes the warehouse file through (a checkpoint): part of the work, so part of the total.
  result.seconds.total = secondsSince(started);
  return result;
}

/** One line saying what loading a file did (a refusal: its reason, indented below). */
export function describeLoad(result: FileLoadResult, verbose = false): string {
  const rows = formatCount(result.rows);
  if (result.status === "refused") {
    const lines = (result.error?.message ?? "").split("\n");
    if (verbose && result.error?.cause instanceof Error) lines.push(`(engine: ${result.error.cause.message.trim()})`);
    // The message names the file (and line) itself.
    return `  refused: ${lines.join("\n    ")}`;
  }
  if (result.status === "unchanged") return `  ${result.sourceFile}: already loaded (same file version, ${rows} rows); nothing to do.`;
  const verb = result.status === "replaced" ? "replaced the earlier version with" : "landed";
  const from = result.previousPath ? ` (the earlier version came from ${result.previousPath})` : "";
  const malformed = result.malformedLines > 0 ? `, ${formatCount(result.malformedLines)} malformed line(s) set aside in ${DATASETS.raw}.raw_sales_malformed` : "";
  const headers = result.repeatedHeaders > 0 ? `, ${formatCount(result.repeatedHeaders)} repeated header line(s) skipped` : "";
  const note = result.note ? `; ${result.note}` : "";
  return `  ${result.sourceFile}: ${verb} ${rows} rows (${result.encoding})${malformed}${headers} in ${result.seconds.toFixed(2)}s${from}${note}.`;
}
