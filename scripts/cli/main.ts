import * as fs from "node:fs";
import * as path from "node:path";
import { Command, CommanderError, Option } from "commander";
import { runBenchmark, runIncrementalBenchmark } from "../bench";
import { createBigQuery } from "../cloud/bigquery-loader";
import { createStorage } from "../cloud/gcs";
import { resolveCompileSettings, resolveScheduleSettings, runCompile, runSchedule, type ScheduleFlags } from "../cloud/schedule";
import { runSetup } from "../cloud/setup";
import { loadProjectConfig } from "../config";
import { lookerStudioLink } from "../dashboard/looker-link";
import { writeDashboard } from "../dashboard/write-dashboard";
import { compileProject, parseVars } from "../dataform/compile";
import { describeError, EcomError, UsageError } from "../errors";
import { generateSampleCsv } from "../generate/sample-data";
import { loadSources } from "../loader/load-sources";
import { DEFAULT_WAREHOUSE, PROJECT_ROOT } from "../paths";
import { describeLoad } from "../pipeline";
import { DuckDbWarehouse } from "../warehouse/duckdb";
import { consoleOutput, formatCount, type Output } from "./output";
import { loadProgressBar } from "./progress";
import { loadIntoBigQuery, runOnBigQuery } from "./bigquery-run";
import {
  cloudConfig,
  integer,
  loadOptions,
  nonNegativeInteger,
  positiveInteger,
  type CloudFlags,
  type LoadFlags,
  type PipelineFlags,
  type RunOptions,
} from "./flags";
import { ensureSample, runAndSummarise } from "./local-run";
import { resolveSources } from "./sources";
import { LoadTracker, reportingInterrupts } from "./load-report";
import { TEXT_ENCODINGS } from "../loader/file-probe";
import { checkCommand, type CheckFlags } from "./commands/check";
import { unitTestCommand, type UnitTestFlags } from "./commands/unit-test";
import { docsCommand, type DocsFlags } from "./commands/docs";

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
      // The underlying error (DuckDB's, a library's) is for --verbose: the message says what to do.
      output.info(`error: ${argv.includes("--verbose") ? describeError(error) : error.message}`);
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
  const encodingOption = () => new Option("--encoding <name>", "read files in this encoding instead of detecting it").choices([...TEXT_ENCODINGS]);
  /** The options of every command that lands files. */
  const withLandingOptions = (command: Command) =>
    command
      .addOption(encodingOption())
      .addOption(maxBadLinesOption())
      .option("--force", "load again even a file version already loaded", false)
      .option("--allow-copies", "load a file even when its content is byte-identical to an already-loaded file of another name", false)
      .option("--verbose", "show the underlying engine error under a refused file's message", false);
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

  withLandingOptions(withRunOptions(
    program
      .command("pipeline")
      .description("Land the source files, compile the Dataform graph and run it on DuckDB, then print a summary.")
      .option("--source <paths...>", "CSV, CSV.GZ, XLSX or ZIP files, directories, quoted patterns or gs:// URIs to load (default: a generated sample)")
      .addOption(new Option("--warehouse <name>", "duckdb: the embedded warehouse; bigquery: load jobs, then the official `dataform run`").choices(["duckdb", "bigquery"]).default("duckdb"))
      .option("--dry-run", "with --warehouse bigquery: list what would load, and have BigQuery check every statement without running it", false)
      .option("--project <id>", "Google Cloud project (default: workflow_settings.yaml defaultProject, or ECOM_GCP_PROJECT)")
      .option("--location <name>", "BigQuery location (default: workflow_settings.yaml defaultLocation, or ECOM_LOCATION)")
      .option("--rows <n>", "lines in the generated sample when no --source is given", positiveInteger, DEFAULT_SAMPLE_ROWS)
      .option("--seed <n>", "seed of the generated sample", integer, DEFAULT_SEED)
  )).action(async (options: PipelineFlags) => {
      if (options.warehouse === "bigquery") {
        setExitCode(await runOnBigQuery(options, output));
        return;
      }
      const sources = options.source ? resolveSources(options.source) : [await ensureSample(options.rows, options.seed, output)];
      setExitCode(await runAndSummarise(sources, options, output, { ...loadOptions(options), verbose: options.verbose ?? false }, { dashboard: true }));
    });

  withLandingOptions(program
    .command("load")
    .description("Land CSV or CSV.GZ files in ecommerce_raw.raw_sales (idempotent per file version).")
    .requiredOption("--source <paths...>", "files, directories, quoted patterns (data/*.csv), gs://bucket/object or gs://bucket/prefix/*.csv")
    .addOption(new Option("--warehouse <name>", "where to land them").choices(["duckdb", "bigquery"]).default("duckdb"))
    .addOption(dbOption())
    .addOption(projectOption())
    .option("--project <id>", "Google Cloud project (default: workflow_settings.yaml defaultProject, or ECOM_GCP_PROJECT)")
    .option("--location <name>", "BigQuery location (default: workflow_settings.yaml defaultLocation, or ECOM_LOCATION)"))
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
      const tracker = new LoadTracker(sources);
      try {
        await reportingInterrupts(
          () => tracker.interrupted(),
          (line) => output.info(line),
          () =>
            loadSources(warehouse, sources, (result) => output.result(describeLoad(result, options.verbose).trim()), {
              ...loadOptions(options),
              config,
              onProgress: progress.onProgress,
              onStart: tracker.onStart,
              onResult: tracker.onResult,
            })
        );
      } finally {
        progress.stop();
        warehouse.close();
      }
      if (tracker.results.length > 1 || tracker.refused.length > 0) output.result(tracker.summary());
      if (tracker.refused.length > 0) setExitCode(1);
    });

  withRunOptions(
    program.command("run").description("Compile the Dataform graph for DuckDB and run it on the warehouse, as `dataform run` does (no loading).")
  ).action(async (options: RunOptions) => {
      setExitCode(await runAndSummarise([], options, output, {}, { title: "Run" }));
    });

  program
    .command("test")
    .description("Run the graph's Dataform unit tests (type: \"test\"): on an in-memory DuckDB, or in BigQuery's dialect on ZetaSQL.")
    .addOption(new Option("--warehouse <name>", "duckdb: the DuckDB compile on DuckDB; bigquery: the BigQuery compile on ZetaSQL's evaluator").choices(["duckdb", "bigquery"]).default("duckdb"))
    .addOption(varsOption())
    .addOption(projectOption())
    .action(async (options: UnitTestFlags) => {
      setExitCode(await unitTestCommand(options, output));
    });

  program
    .command("check")
    .description("Analyze every statement of the BigQuery compile (and the BigQuery loader's SQL) with ZetaSQL, BigQuery's GoogleSQL front end.")
    .addOption(new Option("--warehouse <name>", "the SQL to check").choices(["bigquery"]).default("bigquery"))
    .addOption(varsOption())
    .addOption(projectOption())
    .action(async (options: CheckFlags) => {
      setExitCode(await checkCommand(options, output));
    });

  program
    .command("docs")
    .description("Write the docs and lineage site of the graph: every action, its columns and their lineage, assertions, SQL for both warehouses.")
    .option("--db <file>", "a DuckDB warehouse the pipeline built, for row counts and the last run (default: the default warehouse when present)")
    .option("--out <dir>", "directory to write index.html, docs.json and graph.mmd into (default: beside the warehouse, <db>-docs)")
    .addOption(new Option("--format <name>", "html: the site; json: the model on stdout; mermaid: the graph on stdout").choices(["html", "json", "mermaid"]).default("html"))
    .addOption(varsOption())
    .addOption(projectOption())
    .action(async (options: DocsFlags) => {
      setExitCode(await docsCommand(options, output));
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
      .option("--service-account <email>", "the account workflows run as (default: the var dataform_service_account, or ECOM_DATAFORM_SERVICE_ACCOUNT)")
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
      .option("--service-account <email>", "the custom service account the workflow runs as (default: the var dataform_service_account, or ECOM_DATAFORM_SERVICE_ACCOUNT); required")
      .option("--resume", "resume a configuration paused in the console (default: report it and leave it paused)")
      .option("--dry-run", "read only: print what would be created, updated and compiled", false)
  ).action(async (options: CloudFlags & ScheduleFlags & { dryRun: boolean }) => {
    const config = cloudConfig(options);
    await runSchedule({ config, settings: resolveScheduleSettings(config, options), dryRun: options.dryRun, output });
  });
  cloudOptions(
    gcp
      .command("compile")
      .description("Have Google's Dataform compile a branch, tag or commit with the release's settings; fail on its compilation errors (a CI gate).")
      .option("--repository <id>", "Dataform repository id (default: ECOM_DATAFORM_REPOSITORY)")
      .option("--region <name>", "Dataform region (default: ECOM_DATAFORM_REGION, else from the location)")
      .option("--git-commitish <ref>", 'branch, tag or commit to compile, pushed to the connected git repository (default "main")')
  ).action(async (options: CloudFlags & { repository?: string; region?: string; gitCommitish?: string }) => {
    const config = cloudConfig(options);
    await runCompile({ config, settings: resolveCompileSettings(config, options), output });
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
