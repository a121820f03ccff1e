import * as fs from "node:fs";
import * as path from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { compileProject, parseVars } from "../dataform/compile";
import { describeError, EcomError, UsageError } from "../errors";
import { generateSampleCsv } from "../generate/sample-data";
import { createBigQuery, loadGcsIntoBigQuery } from "../cloud/bigquery-loader";
import { bigQueryVars, checkCredentialsFile, runDataform } from "../cloud/dataform-run";
import { createStorage, listGcsObjects, type GcsObject } from "../cloud/gcs";
import { resolveScheduleSettings, runSchedule, type ScheduleFlags } from "../cloud/schedule";
import { runSetup } from "../cloud/setup";
import { lookerStudioLink } from "../dashboard/looker-link";
import { writeDashboard } from "../dashboard/write-dashboard";
import { loadProjectConfig, requireCloudSettings, type ProjectConfig } from "../config";
import type { LoadOptions } from "../loader/duckdb-loader";
import { loadSources } from "../loader/load-sources";
import { DEFAULT_WAREHOUSE, PROJECT_ROOT } from "../paths";
import { describeLoad, runPipeline, type PipelineResult } from "../pipeline";
import { runUnitTests } from "../runner/unit-tests";
import { collectSummary, formatSummary } from "../summary";
import { DuckDbWarehouse } from "../warehouse/duckdb";
import { runBenchmark, runIncrementalBenchmark } from "../bench";
import { consoleOutput, formatCount, type Output } from "./output";
import { loadProgressBar } from "./progress";
import { resolveSources } from "./sources";

const DEFAULT_SAMPLE_ROWS = 100_000;
const DEFAULT_SEED = 42;

/**
 * Runs the `ecom` command line and returns its exit code: 0 success, 1 a failed run or refused
 * input, 2 a usage error. Nothing else in the tooling exits the process.
 */
export async function main(argv: string[], output: Output = consoleOutput): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(output, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof EcomError) {
      output.info(`error: ${describeError(error)}`);
      return error instanceof UsageError ? 2 : 1;
    }
    throw error;
  }
}

function buildProgram(output: Output, setExitCode: (code: number) => void): Command {
  const program = new Command("ecom")
    .description("Online Retail analytics on Dataform: load, run and inspect the pipeline on an embedded DuckDB warehouse.")
    .exitOverride()
    .configureOutput({ writeOut: (text) => output.result(text.trimEnd()), writeErr: (text) => output.info(text.trimEnd()) })
    .showHelpAfterError();

  const dbOption = () => new Option("--db <file>", "DuckDB warehouse file").default(DEFAULT_WAREHOUSE);
  const encodingOption = () => new Option("--encoding <name>", "read files in this encoding instead of detecting it").choices(["utf-8", "latin-1"]);
  const maxBadLinesOption = () =>
    new Option("--max-bad-lines <n>", "set up to n malformed lines aside in ecommerce_raw.raw_sales_malformed instead of refusing the file")
      .argParser(nonNegativeInteger)
      .default(0);
  const varsOption = () => new Option("--vars <pairs>", "Dataform vars, e.g. rfm_as_of=2011-12-10,top_n=5");
  const projectOption = () => new Option("--project-dir <dir>", "the Dataform project to compile and run").default(PROJECT_ROOT, "this repository");
  /** The options `dataform run` has, with its meanings. */
  const withRunOptions = (command: Command) =>
    command
      .addOption(dbOption())
      .addOption(varsOption())
      .addOption(projectOption())
      .option("--full-refresh", "rebuild incremental tables from scratch (protected ones excepted)", false)
      .option("--actions <names...>", "run only these actions (schema.name or name; * is a wildcard)")
      .option("--tags <tags...>", "run only the actions with one of these tags")
      .option("--include-deps", "also run the dependencies of the selected actions", false)
      .option("--include-dependents", "also run the actions that depend on the selected ones", false)
      .option("--run-tests", "run the unit tests first, and nothing if one fails", false)
      .option("--no-compile-cache", "compile even when the project has not changed");

  withRunOptions(
    program
      .command("pipeline")
      .description("Land the source files, compile the Dataform graph and run it on DuckDB, then print a summary.")
      .option("--source <paths...>", "CSV or CSV.GZ files, directories, quoted patterns or gs:// URIs to load (default: a generated sample)")
      .addOption(new Option("--warehouse <name>", "duckdb: the embedded warehouse; bigquery: load jobs, then the official `dataform run`").choices(["duckdb", "bigquery"]).default("duckdb"))
      .option("--dry-run", "with --warehouse bigquery: list what would load, and have BigQuery check every statement without running it", false)
      .option("--project <id>", "Google Cloud project (default: workflow_settings.yaml defaultProject, or ECOM_GCP_PROJECT)")
      .option("--location <name>", "BigQuery location (default: workflow_settings.yaml defaultLocation, or ECOM_LOCATION)")
      .addOption(encodingOption())
      .addOption(maxBadLinesOption())
      .option("--force", "load again even a file version already loaded", false)
      .option("--rows <n>", "lines in the generated sample when no --source is given", positiveInteger, DEFAULT_SAMPLE_ROWS)
      .option("--seed <n>", "seed of the generated sample", integer, DEFAULT_SEED)
  ).action(async (options: PipelineFlags) => {
      if (options.warehouse === "bigquery") {
        setExitCode(await runOnBigQuery(options, output));
        return;
      }
      const sources = options.source ? resolveSources(options.source) : [await ensureSample(options.rows, options.seed, output)];
      setExitCode(await runAndSummarise(sources, options, output, loadOptions(options), { dashboard: true }));
    });

  program
    .command("load")
    .description("Land CSV or CSV.GZ files in ecommerce_raw.raw_sales (idempotent per file version).")
    .requiredOption("--source <paths...>", "files, directories, quoted patterns (data/*.csv), gs://bucket/object or gs://bucket/prefix/*.csv")
    .addOption(new Option("--warehouse <name>", "where to land them").choices(["duckdb", "bigquery"]).default("duckdb"))
    .addOption(dbOption())
    .addOption(encodingOption())
    .addOption(maxBadLinesOption())
    .option("--force", "load again even a file version already loaded", false)
    .addOption(projectOption())
    .option("--project <id>", "Google Cloud project (default: workflow_settings.yaml defaultProject, or ECOM_GCP_PROJECT)")
    .option("--location <name>", "BigQuery location (default: workflow_settings.yaml defaultLocation, or ECOM_LOCATION)")
    .action(async (options: { source: string[]; db: string; warehouse: "duckdb" | "bigquery"; projectDir: string; project?: string; location?: string } & LoadFlags) => {
      const sources = resolveSources(options.source);
      const config = loadProjectConfig(options.projectDir, {
        ...(options.project ? { projectId: options.project } : {}),
        ...(options.location ? { location: options.location } : {}),
      });
      if (options.warehouse === "bigquery") {
        await loadIntoBigQuery(sources, config, options, output);
        return;
      }
      const warehouse = await DuckDbWarehouse.open(options.db);
      const progress = loadProgressBar();
      try {
        await loadSources(warehouse, sources, (result) => output.result(describeLoad(result).trim()), {
          ...loadOptions(options),
          config,
          onProgress: progress.onProgress,
        });
      } finally {
        progress.stop();
        warehouse.close();
      }
    });

  withRunOptions(
    program.command("run").description("Compile the Dataform graph for DuckDB and run it on the warehouse, as `dataform run` does (no loading).")
  ).action(async (options: RunOptions) => {
      setExitCode(await runAndSummarise([], options, output));
    });

  program
    .command("test")
    .description("Run the graph's Dataform unit tests (type: \"test\") on an in-memory DuckDB.")
    .addOption(varsOption())
    .addOption(projectOption())
    .action(async (options: { vars?: string; projectDir: string }) => {
      const { graph } = await compileProject({ projectDir: options.projectDir, vars: { ...parseVars(options.vars), dialect: "duckdb" } });
      const warehouse = await DuckDbWarehouse.open(":memory:");
      try {
        const results = await runUnitTests(warehouse, graph);
        for (const result of results) {
          output.result(`${result.passed ? "passed" : "FAILED"}  ${result.name}`);
          for (const difference of result.differences) output.result(`    ${difference}`);
        }
        const failed = results.filter((result) => !result.passed).length;
        output.result(`${results.length - failed} passed, ${failed} failed`);
        setExitCode(failed === 0 ? 0 : 1);
      } finally {
        warehouse.close();
      }
    });

  program
    .command("generate")
    .description("Write a deterministic synthetic Online Retail CSV (the demo input).")
    .option("--rows <n>", "data lines to write", positiveInteger, DEFAULT_SAMPLE_ROWS)
    .option("--seed <n>", "random seed", integer, DEFAULT_SEED)
    .requiredOption("--out <file>", "CSV file to write")
    .action(async (options: { rows: number; seed: number; out: string }) => {
      const stats = await generateSampleCsv({ rows: options.rows, seed: options.seed, out: options.out });
      output.result(
        `Wrote ${formatCount(stats.rows)} lines to ${options.out} (${formatCount(stats.untypeableLines)} deliberately untypeable, ` +
          `${formatCount(stats.linesWithoutCustomer)} without customer, ${formatCount(stats.cancellationLines)} cancellations, ` +
          `${stats.firstDate} to ${stats.lastDate}).`
      );
    });

  program
    .command("dashboard")
    .description("Write the local dashboard of a warehouse: one self-contained HTML page, DIR/index.html.")
    .addOption(dbOption())
    .option("--out <dir>", "directory to write index.html into", "dashboard")
    .action(async (options: { db: string; out: string }) => {
      const { file, bytes } = await writeDashboard(options);
      output.result(`Dashboard: ${file} (${formatCount(Math.round(bytes / 1024))} KB)`);
    });

  program
    .command("looker-link")
    .description("Print a Looker Studio link that creates a report on the BigQuery analytics tables.")
    .addOption(projectOption())
    .option("--project <id>", "Google Cloud project (default: workflow_settings.yaml defaultProject, or ECOM_GCP_PROJECT)")
    .option("--report-name <name>", "name of the new report")
    .action((options: { projectDir: string; project?: string; reportName?: string }) => {
      const config = loadProjectConfig(options.projectDir, options.project ? { projectId: options.project } : {});
      output.result(lookerStudioLink(config, options.reportName ? { reportName: options.reportName } : {}));
    });

  const gcp = program.command("gcp").description("Set up and schedule the pipeline on Google Cloud (see docs/google-cloud.md).");
  const cloudOptions = (command: Command) =>
    command
      .option("--project <id>", "Google Cloud project (default: workflow_settings.yaml defaultProject, or ECOM_GCP_PROJECT)")
      .option("--location <name>", "BigQuery location (default: workflow_settings.yaml defaultLocation, or ECOM_LOCATION)")
      .option("--bucket <name>", "bucket of the raw exports (default: the var gcs_bucket, or ECOM_GCS_BUCKET)")
      .addOption(projectOption());
  cloudOptions(
    gcp
      .command("setup")
      .description("Create the raw-files bucket and the five datasets when missing; print the IAM roles Dataform needs.")
      .option("--dry-run", "read only: print what exists and what would be created", false)
      .option("--service-account <email>", "workflows run as this account instead of the Dataform service agent")
  ).action(async (options: CloudFlags & { dryRun: boolean; serviceAccount?: string }) => {
    const config = cloudConfig(options);
    await runSetup({
      config,
      clients: { storage: createStorage(config), bigquery: createBigQuery(config) },
      dryRun: options.dryRun,
      output,
      ...(options.serviceAccount ? { serviceAccount: options.serviceAccount } : {}),
    });
  });
  cloudOptions(
    gcp
      .command("schedule")
      .description("Create or update the Dataform release and workflow configurations of the scheduled run.")
      .option("--repository <id>", "Dataform repository id (default: ECOM_DATAFORM_REPOSITORY)")
      .option("--region <name>", "Dataform region (default: ECOM_DATAFORM_REGION, else from the location: US -> us-central1, EU -> europe-west1)")
      .option("--release <id>", 'release configuration id (default "production")')
      .option("--workflow <id>", 'workflow configuration id (default "daily")')
      .option("--git-commitish <ref>", 'branch, tag or commit to release (default "main")')
      .option("--cron <expr>", 'when the workflow runs (default "0 6 * * *")')
      .option("--release-cron <expr>", 'when the release compiles (default "0 5 * * *"; "none": never)')
      .option("--time-zone <tz>", 'time zone of both schedules (default "Etc/UTC")')
      .option("--tags <tags...>", "run only the actions with these tags (default: all)")
      .option("--include-deps", "also run the dependencies of the tagged actions")
      .option("--service-account <email>", "run the workflow as this service account")
      .option("--dry-run", "read only: print what would be created or updated", false)
  ).action(async (options: CloudFlags & ScheduleFlags & { dryRun: boolean }) => {
    const config = cloudConfig(options);
    await runSchedule({ config, settings: resolveScheduleSettings(config, options), dryRun: options.dryRun, output });
  });

  program
    .command("bench")
    .description("Time the whole pipeline against a floor: DuckDB alone reading the same file and grouping once.")
    .option("--rows <n>", "lines to generate when no --source is given", positiveInteger, 1_000_000)
    .option("--seed <n>", "seed of the generated file", integer, DEFAULT_SEED)
    .option("--source <file>", "benchmark on this file instead of a generated one")
    .option("--work-dir <dir>", "where the benchmark's files go", path.join("bench-output"))
    .option("--incremental", "instead: time an incremental run of the source's last month against a full rebuild", false)
    .action(async (options: { rows: number; seed: number; source?: string; workDir: string; incremental: boolean }) => {
      if (!options.incremental) {
        await runBenchmark({ ...options, output });
        return;
      }
      const source = options.source ?? path.join(options.workDir, `bench-${options.rows}-seed${options.seed}.csv`);
      if (!options.source && !fs.existsSync(source)) await generateSampleCsv({ rows: options.rows, seed: options.seed, out: source });
      await runIncrementalBenchmark({ source, workDir: options.workDir, output });
    });

  return program;
}

interface RunOptions {
  db: string;
  vars?: string;
  projectDir: string;
  fullRefresh: boolean;
  actions?: string[];
  tags?: string[];
  includeDeps: boolean;
  includeDependents: boolean;
  runTests: boolean;
  compileCache: boolean;
}

interface CloudFlags {
  project?: string;
  location?: string;
  bucket?: string;
  projectDir: string;
}

function cloudConfig(flags: CloudFlags): ProjectConfig {
  return loadProjectConfig(flags.projectDir, {
    ...(flags.project ? { projectId: flags.project } : {}),
    ...(flags.location ? { location: flags.location } : {}),
    ...(flags.bucket ? { bucket: flags.bucket } : {}),
  });
}

type PipelineFlags = RunOptions & LoadFlags & CloudFlags & { source?: string[]; rows: number; seed: number; warehouse: "duckdb" | "bigquery"; dryRun: boolean };

/**
 * `ecom pipeline --warehouse bigquery`: the loader's BigQuery path (load jobs from gs://), then the
 * official `dataform run` with the same selection flags, its output streamed and its exit code kept.
 */
async function runOnBigQuery(options: PipelineFlags, output: Output): Promise<number> {
  if (!options.source) throw new UsageError("--warehouse bigquery needs --source gs://BUCKET/PREFIX/*.csv (the exports to load).");
  const config = cloudConfig(options);
  checkCredentialsFile(options.projectDir);
  const vars = bigQueryVars(config, parseVars(options.vars));
  const sources = resolveSources(options.source);
  if (options.dryRun) {
    refuseLocalSourcesForBigQuery(sources, config);
    const storage = createStorage(config);
    for (const source of sources) for (const object of await listGcsObjects(storage, source)) output.result(`would load ${object.uri} (generation ${object.generation}, ${formatCount(object.size)} bytes)`);
  } else {
    await loadIntoBigQuery(sources, config, options, output);
  }
  const code = await runDataform({
    projectDir: options.projectDir,
    ...(options.actions ? { actions: options.actions } : {}),
    ...(options.tags ? { tags: options.tags } : {}),
    includeDeps: options.includeDeps,
    includeDependents: options.includeDependents,
    fullRefresh: options.fullRefresh,
    runTests: options.runTests,
    vars,
    dryRun: options.dryRun,
    defaultDatabase: config.projectId,
    defaultLocation: config.location,
  });
  return code === 0 ? 0 : 1;
}

function refuseLocalSourcesForBigQuery(sources: string[], config: ProjectConfig): void {
  const local = sources.filter((source) => !source.startsWith("gs://"));
  if (local.length > 0) {
    throw new UsageError(
      `--warehouse bigquery loads from Cloud Storage only, so that no data passes through this machine; ${local.join(", ")} ` +
        `${local.length === 1 ? "is" : "are"} local. Upload ${local.length === 1 ? "it" : "them"} first (gcloud storage cp FILE gs://${config.bucket || "BUCKET"}/${config.prefix}) and load the gs:// URI.`
    );
  }
}

/**
 * The BigQuery target: load jobs straight from the gs:// URIs, so no data passes through this machine.
 * Local files cannot go there directly: they are uploaded to the bucket first.
 */
async function loadIntoBigQuery(sources: string[], config: ProjectConfig, flags: LoadFlags, output: Output): Promise<void> {
  refuseLocalSourcesForBigQuery(sources, config);
  if (flags.maxBadLines > 0) {
    throw new UsageError(
      "--max-bad-lines is for the DuckDB target: a BigQuery load job would drop bad lines instead of keeping them aside. Fix the file, or load it into DuckDB to see the bad lines."
    );
  }
  requireCloudSettings(config, ["projectId"]);
  const storage = createStorage(config);
  const bigquery = createBigQuery(config);
  const objects: GcsObject[] = [];
  for (const source of sources) objects.push(...(await listGcsObjects(storage, source)));
  const results = await loadGcsIntoBigQuery(bigquery, storage, objects, {
    config,
    ...(flags.encoding ? { encoding: flags.encoding } : {}),
    force: flags.force,
    onProgress: (line) => output.info(line),
  });
  for (const result of results) {
    output.result(`${result.uri}: ${result.status}, ${formatCount(result.rows)} rows (${result.encoding})${result.jobId ? `, load job ${result.jobId}` : ""}`);
  }
}

interface LoadFlags {
  encoding?: "utf-8" | "latin-1";
  maxBadLines: number;
  force: boolean;
}

function loadOptions(flags: LoadFlags): Omit<LoadOptions, "identity"> {
  return { ...(flags.encoding ? { encoding: flags.encoding } : {}), maxBadLines: flags.maxBadLines, force: flags.force };
}

/** Loads `sources` (if any), runs the graph, prints the summary; returns the exit code. */
async function runAndSummarise(
  sources: string[],
  options: RunOptions,
  output: Output,
  load: Omit<LoadOptions, "identity"> = {},
  { dashboard = false } = {}
): Promise<number> {
  const progress = loadProgressBar();
  const config = loadProjectConfig(options.projectDir);
  const result = await runPipeline({
    sources,
    load: { ...load, config, onProgress: progress.onProgress },
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
  }).finally(() => progress.stop());
  await printPipelineSummary(result, options.db, output);
  if (dashboard) await writeDashboardBeside(options.db, output);
  return result.run.succeeded ? 0 : 1;
}

async function printPipelineSummary(result: PipelineResult, db: string, output: Output): Promise<void> {
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
      `${result.run.succeeded ? "Pipeline succeeded" : "Pipeline FAILED"} in ${s.total.toFixed(1)}s ` +
        `(load ${s.load.toFixed(1)}s, compile ${s.compile.toFixed(1)}s${result.compile.cached ? " cached" : ""}, ` +
        `transform ${s.transform.toFixed(1)}s, assertions ${s.assertions.toFixed(1)}s).`
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
  } catch (error) {
    if (!(error instanceof EcomError)) throw error;
    output.result(`Dashboard: not written (${error.message})`);
  }
}

/** The generated sample for these settings, written once and reused (the same file version loads once). */
async function ensureSample(rows: number, seed: number, output: Output): Promise<string> {
  const file = path.join("data", `sample-online-retail-${rows}-seed${seed}.csv`);
  if (!fs.existsSync(file)) {
    output.info(`Generating a sample of ${formatCount(rows)} lines (seed ${seed}) in ${file} ...`);
    await generateSampleCsv({ rows, seed, out: file });
  }
  return file;
}

function integer(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`${JSON.stringify(value)} is not a whole number.`);
  return Number(value);
}

function nonNegativeInteger(value: string): number {
  const number = integer(value.replace(/_/g, ""));
  if (number < 0) throw new InvalidArgumentError(`${JSON.stringify(value)} must be 0 or more.`);
  return number;
}

function positiveInteger(value: string): number {
  const number = integer(value.replace(/_/g, ""));
  if (number < 1) throw new InvalidArgumentError(`${JSON.stringify(value)} must be at least 1.`);
  return number;
}
