import * as fs from "node:fs";
import * as path from "node:path";
import type { Output } from "./output";
import { formatCount } from "./format";
import { UsageError } from "./errors";
import { DATASETS } from "./config";
import { timeContractMinimum, type ContractMinimum } from "./bench-minimum";
import { compileProject } from "./dataform/compile";
import { generateSampleCsv } from "./generate/sample-data";
import { splitByMonth } from "./generate/split-by-month";
import { sniffFile } from "./loader/file-kind";
import { probeFile } from "./loader/file-probe";
import { PROJECT_ROOT } from "./paths";
import { runPipeline, type PhaseSeconds } from "./pipeline";
import { secondsSince, startTimer } from "./timing";
import { DuckDbWarehouse, quoteString, removeDatabaseFiles } from "./warehouse/duckdb";

export interface BenchmarkOptions {
  rows: number;
  seed: number;
  source?: string;
  workDir: string;
  /** How many floor/pipeline pairs to time (default 3); the ratio reported is their median. */
  repeat?: number;
  /** Write DuckDB's query profile of each action here, from one more pipeline run after the timed ones. */
  profileDir?: string;
  /** Also time the contract's least work by hand in each pair (timeContractMinimum). */
  minimum?: boolean;
  output: Output;
}

export interface BenchmarkFigures extends PhaseSeconds {
  rows: number;
  coldCompile: number;
  /** A whole first run, compiling too. */
  firstRunTotal: number;
  /** The floor of the median pair. */
  floor: number;
  /** The median of the pairs' pipeline / floor ratios. */
  ratio: number;
  /** Every pair's ratio, in the order they ran. */
  ratios: number[];
  /** The highest resident memory of the pipeline runs, sampled while they ran. */
  pipelinePeakRssMiB: number;
  /** The highest resident memory of this whole process (floors and pipelines). */
  peakRssMiB: number;
  /** With `minimum`: the median of the pairs' minimum / floor ratios, and the median pair's minimum. */
  minimum?: { ratio: number; ratios: number[]; median: ContractMinimum };
  /** The most expensive actions of the median pair's pipeline, with their share of its total. */
  topActions: { name: string; seconds: number; share: number; rows?: number }[];
}

/**
 * Times the whole pipeline (load, transform, assertions, writing the warehouse file) on one file
 * against a floor: DuckDB alone reading that file into a table and doing one GROUP BY. Floor and
 * pipeline run in pairs, one right after the other, so both see the same machine: the median of the
 * pairs' ratios is the figure to watch, their spread says how noisy the machine was, and absolute
 * times vary with the machine. The cold compile and a first run (which compiles) are timed once.
 */
export async function runBenchmark(options: BenchmarkOptions): Promise<BenchmarkFigures> {
  const { output } = options;
  const repeat = options.repeat ?? 3;
  if (!Number.isInteger(repeat) || repeat < 1) throw new UsageError(`--repeat ${repeat}: expected a whole number of runs, 1 or more.`);
  fs.mkdirSync(options.workDir, { recursive: true });
  let source = options.source;
  if (source === undefined) {
    source = path.join(options.workDir, `bench-${options.rows}-seed${options.seed}.csv`);
    if (!fs.existsSync(source)) {
      output.info(`Generating ${formatCount(options.rows)} lines in ${source} ...`);
      await generateSampleCsv({ rows: options.rows, seed: options.seed, out: source });
    }
  } else if (!fs.existsSync(source)) {
    throw new UsageError(`--source ${source}: no such file.`);
  } else {
    refuseNonCsv(source);
  }
  const probe = await probeFile(source); // also warms the page cache for both contenders

  // A compile depends only on the SQL, not on the data: it runs once per change of the project and
  // is cached after that. Timed cold here, on its own; the pipelines below then run as every run
  // after the first does.
  const coldCompile = await compileProject({ projectDir: PROJECT_ROOT, vars: { dialect: "duckdb" }, useCache: false });

  const pairs: { floor: number; pipeline: TimedPipeline; minimum?: ContractMinimum }[] = [];
  for (let run = 1; run <= repeat; run += 1) {
    output.info(`Pair ${run} of ${repeat}: the floor, ${options.minimum ? "the contract's minimum, " : ""}then the pipeline ...`);
    const floor = await timeFloor(source, probe.encoding, probe.gzip, options.workDir);
    const minimum = options.minimum ? await timeContractMinimum(source, probe, options.workDir) : undefined;
    const pipeline = await timePipeline(source, path.join(options.workDir, "bench.duckdb"), true);
    pairs.push({ floor: floor.seconds, pipeline, ...(minimum ? { minimum } : {}) });
  }
  const ratios = pairs.map((pair) => pair.pipeline.result.seconds.total / pair.floor);
  const median = [...pairs].sort((a, b) => a.pipeline.result.seconds.total / a.floor - b.pipeline.result.seconds.total / b.floor)[Math.floor((pairs.length - 1) / 2)] as (typeof pairs)[number];
  // A first run: it compiles too.
  output.info("A first run, compiling ...");
  const firstRun = await timePipeline(source, path.join(options.workDir, "bench-first-run.duckdb"), false);
  if (options.profileDir) {
    // Profiling slows DuckDB down, so the profiles come from a run of their own, not a timed one.
    output.info(`Profiling each action into ${options.profileDir} ...`);
    fs.rmSync(options.profileDir, { recursive: true, force: true });
    await timePipeline(source, path.join(options.workDir, "bench-profile.duckdb"), true, options.profileDir);
  }
  const pipeline = median.pipeline.result;
  const rows = pipeline.loads.reduce((total, load) => total + load.rows, 0);
  const total = pipeline.seconds.total;
  const topActions = [...pipeline.run.actions]
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, 10)
    .map((action) => ({ name: action.name, seconds: action.seconds, share: action.seconds / total, ...(action.rows !== undefined ? { rows: action.rows } : {}) }));
  const figures: BenchmarkFigures = {
    rows,
    coldCompile: coldCompile.seconds,
    firstRunTotal: firstRun.result.seconds.total,
    ...pipeline.seconds,
    floor: median.floor,
    ratio: total / median.floor,
    ratios,
    pipelinePeakRssMiB: Math.max(...pairs.map((pair) => pair.pipeline.peakRssMiB), firstRun.peakRssMiB),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    ...(median.minimum ? { minimum: minimumFigures(pairs, median.minimum) } : {}),
    topActions,
  };
  const line = (label: string, value: string) => output.result(`${label.padEnd(40)} ${value}`);
  const seconds = (value: number) => `${value.toFixed(2)} s`;
  output.result(`Benchmark on ${source} (${formatCount(rows)} lines, ${(probe.size / 1e6).toFixed(1)} MB on disk)`);
  line("compile, cold (once per SQL change)", `${seconds(figures.coldCompile)}  (${coldCompile.compiler ?? "cli"})`);
  output.result(`The median of ${repeat} floor/pipeline pair(s):`);
  line("compile in the run (cached)", seconds(figures.compile));
  line("load", seconds(figures.load));
  line("run of the graph (wall clock)", seconds(figures.run));
  line("  tables and views (their own time)", seconds(figures.transform));
  line("  assertions (their own time)", seconds(figures.assertions));
  line("checkpoint (write the file)", seconds(figures.checkpoint));
  line("pipeline total (wall clock)", seconds(figures.total));
  line("floor (DuckDB read + GROUP BY)", seconds(figures.floor));
  line("ratio pipeline / floor", `${figures.ratio.toFixed(2)}x  (pairs: ${ratios.map((ratio) => `${ratio.toFixed(2)}x`).join(", ")}; floors ${pairs.map((pair) => pair.floor.toFixed(2)).join(", ")} s)`);
  line("ratio load alone / floor", `${(figures.load / figures.floor).toFixed(2)}x`);
  if (figures.minimum) {
    const { median: least, ratio, ratios: minimumRatios } = figures.minimum;
    line("contract's minimum, by hand", `${seconds(least.seconds)}  (${least.steps.map((step) => `${step.step} ${step.seconds.toFixed(2)}`).join(", ")})`);
    line("", `(${formatCount(least.lines)} lines; ${formatCount(least.sharedKeys)} keys shared by identical lines, which the pipeline numbers)`);
    line("ratio minimum / floor", `${ratio.toFixed(2)}x  (pairs: ${minimumRatios.map((value) => `${value.toFixed(2)}x`).join(", ")})`);
    line("ratio pipeline / minimum", `${(total / least.seconds).toFixed(2)}x`);
  }
  line("first run total (compiles too)", seconds(figures.firstRunTotal));
  line("ratio first run / floor", `${(figures.firstRunTotal / figures.floor).toFixed(2)}x`);
  line("peak memory of a pipeline run (RSS)", `${figures.pipelinePeakRssMiB.toFixed(0)} MiB`);
  line("peak memory of this process (RSS)", `${figures.peakRssMiB.toFixed(0)} MiB`);
  output.result("The ten most expensive actions of that pipeline run (share of its total):");
  for (const action of topActions) {
    const rowsNote = action.rows !== undefined ? `  ${formatCount(action.rows)} rows` : "";
    output.result(`  ${action.name.padEnd(70)} ${seconds(action.seconds).padStart(8)}  ${(action.share * 100).toFixed(1).padStart(5)}%${rowsNote}`);
  }
  if (options.profileDir) output.result(`DuckDB's query profile of each action: ${options.profileDir}/<schema.name>.json`);
  return figures;
}

/** The median of the pairs' minimum / floor ratios, beside every pair's. */
function minimumFigures(pairs: { floor: number; minimum?: ContractMinimum }[], median: ContractMinimum): NonNullable<BenchmarkFigures["minimum"]> {
  const ratios = pairs.map((pair) => (pair.minimum?.seconds ?? Number.NaN) / pair.floor);
  const sorted = [...ratios].sort((a, b) => a - b);
  return { ratio: sorted[Math.floor((sorted.length - 1) / 2)] as number, ratios, median };
}

interface TimedPipeline {
  result: Awaited<ReturnType<typeof runPipeline>>;
  /** The highest resident memory seen while it ran. */
  peakRssMiB: number;
}

/** The whole pipeline into a fresh warehouse, quietly; a failed run stops the benchmark. */
async function timePipeline(source: string, db: string, useCompileCache: boolean, profileDir?: string): Promise<TimedPipeline> {
  removeWarehouse(db);
  const quiet: Output = { result: () => undefined, info: () => undefined };
  // DuckDB works on its own threads, so the event loop is free to sample while a statement runs.
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  let pipeline: Awaited<ReturnType<typeof runPipeline>>;
  try {
    pipeline = await runPipeline({
      sources: [source],
      db,
      projectDir: PROJECT_ROOT,
      vars: {},
      fullRefresh: true,
      useCompileCache,
      output: quiet,
      ...(profileDir ? { profileDir } : {}),
    });
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage.rss());
  if (!pipeline.run.succeeded) {
    const failed = pipeline.run.actions.filter((action) => action.status !== "succeeded").map((action) => action.name);
    throw new UsageError(`The benchmark's pipeline run failed (${failed.join(", ")}); run \`ecom pipeline --source ${source}\` to see why.`);
  }
  removeWarehouse(db);
  return { result: pipeline, peakRssMiB: peak / 2 ** 20 };
}

/** The floor is DuckDB's CSV reader, so the bench takes CSV files (plain or gzip) only. */
function refuseNonCsv(source: string): void {
  if (sniffFile(source) === "zip") {
    throw new UsageError(`--source ${source} is a workbook or zip archive: the bench times CSV files (plain or gzip), because its floor is DuckDB reading a CSV. Save the sheet as CSV and bench on that.`);
  }
}

function removeWarehouse(db: string): void {
  removeDatabaseFiles(db);
  fs.rmSync(`${db}.last-run.json`, { force: true });
}

/** DuckDB alone: the file into a table in a fresh database file, then one GROUP BY over it. */
async function timeFloor(source: string, encoding: string, gzip: boolean, workDir: string): Promise<{ seconds: number }> {
  const db = path.join(workDir, "floor.duckdb");
  removeDatabaseFiles(db);
  const started = startTimer();
  const warehouse = await DuckDbWarehouse.open(db);
  try {
    await warehouse.run(
      `CREATE TABLE lines AS SELECT * FROM read_csv(${quoteString(path.resolve(source))}, header = true, all_varchar = true,
         encoding = ${quoteString(encoding)}, compression = ${gzip ? "'gzip'" : "'none'"})`
    );
    await warehouse.query("SELECT Country, COUNT(*) AS lines FROM lines GROUP BY Country");
  } finally {
    warehouse.close();
  }
  const seconds = secondsSince(started);
  fs.rmSync(db, { force: true });
  return { seconds };
}

export interface IncrementalBenchmarkOptions {
  source: string;
  workDir: string;
  output: Output;
}

/**
 * What an incremental run saves: the source cut into monthly files, all months but the last loaded
 * and run, then the last month loaded and run incrementally (timed), then a full rebuild of the same
 * warehouse (timed). The ratio is the figure to watch.
 */
export async function runIncrementalBenchmark(
  options: IncrementalBenchmarkOptions
): Promise<{ incremental: number; nothingNew: number; full: number; ratio: number }> {
  const { output } = options;
  if (!fs.existsSync(options.source)) throw new UsageError(`--source ${options.source}: no such file.`);
  refuseNonCsv(options.source);
  const months = await splitByMonth(options.source, path.join(options.workDir, "months"));
  const last = months[months.length - 1];
  if (last === undefined || months.length < 2) throw new UsageError(`${options.source} spans ${months.length} month(s); an incremental benchmark needs two or more.`);
  const db = path.join(options.workDir, "incremental.duckdb");
  removeDatabaseFiles(db);
  const quiet: Output = { result: () => undefined, info: () => undefined };
  const run = async (sources: string[], fullRefresh: boolean) => {
    const result = await runPipeline({ sources, db, projectDir: PROJECT_ROOT, vars: {}, fullRefresh, output: quiet });
    if (!result.run.succeeded) throw new UsageError(`The benchmark's pipeline run failed; run \`ecom pipeline --source ${sources.join(" ")}\` to see why.`);
    return result;
  };
  output.info(`Loading and running ${months.length - 1} months as the starting point ...`);
  await run(months.slice(0, -1), false);
  const incremental = await run([last], false);
  // What any run costs this graph before it has a line to do: every action, whole-table assertion
  // and the checkpoint, with nothing new to load or append. The lowest the ratio can go.
  const nothingNew = await run([], false);
  const full = await run([], true);
  const newLines = incremental.loads.reduce((total, load) => total + load.rows, 0);
  const allLines = Number(full.run.actions.find((action) => action.name === `${DATASETS.dwh}.fact_sales`)?.rows ?? 0);
  const ratio = incremental.seconds.total / full.seconds.total;
  const line = (label: string, value: string) => output.result(`${label.padEnd(40)} ${value}`);
  output.result(`Incremental benchmark on ${options.source}: ${months.length} monthly files`);
  line(`incremental run: load and run ${path.basename(last)}`, `${incremental.seconds.total.toFixed(2)} s  (${formatCount(newLines)} new lines; load ${incremental.seconds.load.toFixed(2)} s, run ${incremental.seconds.run.toFixed(2)} s)`);
  line("full rebuild of the same warehouse", `${full.seconds.total.toFixed(2)} s  (${formatCount(allLines)} lines; run ${full.seconds.run.toFixed(2)} s)`);
  line("ratio incremental / full rebuild", `${ratio.toFixed(2)}`);
  line("a run with nothing new, after it", `${nothingNew.seconds.total.toFixed(2)} s  (ratio to the full rebuild ${(nothingNew.seconds.total / full.seconds.total).toFixed(2)})`);
  // Where an incremental run still spends its time: its costliest actions beside what each cost in
  // the full rebuild, so an action that rebuilds in full every run shows as a ratio near 1.
  const fullSeconds = new Map(full.run.actions.map((action) => [action.name, action.seconds]));
  output.result("The ten most expensive actions of the incremental run (and in the full rebuild):");
  for (const action of [...incremental.run.actions].sort((a, b) => b.seconds - a.seconds).slice(0, 10)) {
    const inFull = fullSeconds.get(action.name);
    const rebuilt = inFull === undefined ? "" : `  full ${inFull.toFixed(2).padStart(6)} s`;
    output.result(`  ${action.name.padEnd(70)} ${`${action.seconds.toFixed(2)} s`.padStart(8)}${rebuilt}`);
  }
  return { incremental: incremental.seconds.total, nothingNew: nothingNew.seconds.total, full: full.seconds.total, ratio };
}
