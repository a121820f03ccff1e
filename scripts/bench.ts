import * as fs from "node:fs";
import * as path from "node:path";
import type { Output } from "./output";
import { formatCount } from "./format";
import { UsageError } from "./errors";
import { compileProject } from "./dataform/compile";
import { generateSampleCsv } from "./generate/sample-data";
import { splitByMonth } from "./generate/split-by-month";
import { probeFile } from "./loader/file-probe";
import { PROJECT_ROOT } from "./paths";
import { runPipeline, type PhaseSeconds } from "./pipeline";
import { secondsSince, startTimer } from "./timing";
import { DuckDbWarehouse, quoteString } from "./warehouse/duckdb";

export interface BenchmarkOptions {
  rows: number;
  seed: number;
  source?: string;
  workDir: string;
  output: Output;
}

export interface BenchmarkFigures extends PhaseSeconds {
  rows: number;
  coldCompile: number;
  /** A whole first run, compiling while it loads. */
  firstRunTotal: number;
  floor: number;
  ratio: number;
  peakRssMiB: number;
}

/**
 * Times the whole pipeline (load, compile, transform, assertions, writing the warehouse file) on one
 * file, and the cold compile on its own, and in the same
 * run a floor: DuckDB alone reading that file into a table and doing one GROUP BY. The ratio of the
 * two is the figure to watch; absolute times vary with the machine.
 */
export async function runBenchmark(options: BenchmarkOptions): Promise<BenchmarkFigures> {
  const { output } = options;
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
  }
  const probe = await probeFile(source); // also warms the page cache for both contenders

  // A compile depends only on the SQL, not on the data: it runs once per change of the project and
  // is cached after that. Timed cold here, on its own; the pipeline below then runs as every run
  // after the first does.
  const coldCompile = await compileProject({ projectDir: PROJECT_ROOT, vars: { dialect: "duckdb" }, useCache: false });

  const floorFirst = await timeFloor(source, probe.encoding, probe.gzip, options.workDir);
  // A run as every run after the first is: the compile comes from the cache.
  const pipeline = await timePipeline(source, path.join(options.workDir, "bench.duckdb"), true);
  const floorSecond = await timeFloor(source, probe.encoding, probe.gzip, options.workDir);
  // A first run: it compiles too, while it loads (the compile is a separate process).
  const firstRun = await timePipeline(source, path.join(options.workDir, "bench-first-run.duckdb"), false);
  // The faster floor is the stricter baseline.
  const floor = Math.min(floorFirst.seconds, floorSecond.seconds);
  const rows = pipeline.loads.reduce((total, load) => total + load.rows, 0);
  const figures: BenchmarkFigures = {
    rows,
    coldCompile: coldCompile.seconds,
    firstRunTotal: firstRun.seconds.total,
    ...pipeline.seconds,
    floor,
    ratio: pipeline.seconds.total / floor,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
  const line = (label: string, value: string) => output.result(`${label.padEnd(34)} ${value}`);
  output.result(`Benchmark on ${source} (${formatCount(rows)} lines, ${(probe.size / 1e6).toFixed(1)} MB on disk)`);
  line("compile, cold (once per SQL change)", `${figures.coldCompile.toFixed(2)} s`);
  line("compile in the run (cached)", `${figures.compile.toFixed(2)} s`);
  line("load", `${figures.load.toFixed(2)} s`);
  line("transform (tables, views)", `${figures.transform.toFixed(2)} s`);
  line("assertions", `${figures.assertions.toFixed(2)} s`);
  line("checkpoint (write the file)", `${figures.checkpoint.toFixed(2)} s`);
  line("pipeline total (wall clock)", `${figures.total.toFixed(2)} s`);
  line("floor (DuckDB read + GROUP BY)", `${figures.floor.toFixed(2)} s  (runs: ${floorFirst.seconds.toFixed(2)} s, ${floorSecond.seconds.toFixed(2)} s)`);
  line("ratio pipeline / floor", `${figures.ratio.toFixed(2)}x`);
  line("first run total (compiles while loading)", `${figures.firstRunTotal.toFixed(2)} s`);
  line("ratio first run / floor", `${(figures.firstRunTotal / floor).toFixed(2)}x`);
  line("ratio load alone / floor", `${(figures.load / floor).toFixed(2)}x`);
  line("peak memory (this process, RSS)", `${figures.peakRssMiB.toFixed(0)} MiB`);
  return figures;
}

/** The whole pipeline into a fresh warehouse, quietly; a failed run stops the benchmark. */
async function timePipeline(source: string, db: string, useCompileCache: boolean): Promise<Awaited<ReturnType<typeof runPipeline>>> {
  fs.rmSync(db, { force: true });
  fs.rmSync(`${db}.wal`, { force: true });
  const quiet: Output = { result: () => undefined, info: () => undefined };
  const pipeline = await runPipeline({ sources: [source], db, projectDir: PROJECT_ROOT, vars: {}, fullRefresh: true, useCompileCache, output: quiet });
  if (!pipeline.run.succeeded) {
    const failed = pipeline.run.actions.filter((action) => action.status !== "succeeded").map((action) => action.name);
    throw new UsageError(`The benchmark's pipeline run failed (${failed.join(", ")}); run \`ecom pipeline --source ${source}\` to see why.`);
  }
  return pipeline;
}

/** DuckDB alone: the file into a table in a fresh database file, then one GROUP BY over it. */
async function timeFloor(source: string, encoding: string, gzip: boolean, workDir: string): Promise<{ seconds: number }> {
  const db = path.join(workDir, "floor.duckdb");
  fs.rmSync(db, { force: true });
  fs.rmSync(`${db}.wal`, { force: true });
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
export async function runIncrementalBenchmark(options: IncrementalBenchmarkOptions): Promise<{ incremental: number; full: number; ratio: number }> {
  const { output } = options;
  if (!fs.existsSync(options.source)) throw new UsageError(`--source ${options.source}: no such file.`);
  const months = await splitByMonth(options.source, path.join(options.workDir, "months"));
  const last = months[months.length - 1];
  if (last === undefined || months.length < 2) throw new UsageError(`${options.source} spans ${months.length} month(s); an incremental benchmark needs two or more.`);
  const db = path.join(options.workDir, "incremental.duckdb");
  fs.rmSync(db, { force: true });
  fs.rmSync(`${db}.wal`, { force: true });
  const quiet: Output = { result: () => undefined, info: () => undefined };
  const run = async (sources: string[], fullRefresh: boolean) => {
    const result = await runPipeline({ sources, db, projectDir: PROJECT_ROOT, vars: {}, fullRefresh, output: quiet });
    if (!result.run.succeeded) throw new UsageError(`The benchmark's pipeline run failed; run \`ecom pipeline --source ${sources.join(" ")}\` to see why.`);
    return result;
  };
  output.info(`Loading and running ${months.length - 1} months as the starting point ...`);
  await run(months.slice(0, -1), false);
  const incremental = await run([last], false);
  const full = await run([], true);
  const newLines = incremental.loads.reduce((total, load) => total + load.rows, 0);
  const allLines = Number(full.run.actions.find((action) => action.name === "ecommerce_dwh.fact_sales")?.rows ?? 0);
  const ratio = incremental.seconds.total / full.seconds.total;
  const line = (label: string, value: string) => output.result(`${label.padEnd(40)} ${value}`);
  output.result(`Incremental benchmark on ${options.source}: ${months.length} monthly files`);
  line(`incremental run: load and run ${path.basename(last)}`, `${incremental.seconds.total.toFixed(2)} s  (${formatCount(newLines)} new lines; load ${incremental.seconds.load.toFixed(2)} s, transform ${incremental.seconds.transform.toFixed(2)} s, assertions ${incremental.seconds.assertions.toFixed(2)} s)`);
  line("full rebuild of the same warehouse", `${full.seconds.total.toFixed(2)} s  (${formatCount(allLines)} lines; transform ${full.seconds.transform.toFixed(2)} s, assertions ${full.seconds.assertions.toFixed(2)} s)`);
  line("ratio incremental / full rebuild", `${ratio.toFixed(2)}`);
  return { incremental: incremental.seconds.total, full: full.seconds.total, ratio };
}
