import * as path from "node:path";
import { Command, CommanderError, Option } from "commander";
import { DATASETS } from "../config";
import { describeError, EcomError, UsageError } from "../errors";
import { TEXT_ENCODINGS } from "../loader/file-probe";
import { consoleOutput, type Output } from "../output";
import { DEFAULT_WAREHOUSE, PROJECT_ROOT } from "../paths";
import { integer, nonNegativeInteger, positiveInteger, type PipelineFlags, type RunOptions } from "./flags";
import { benchCommand, type BenchFlags } from "./commands/bench";
import { checkCommand, type CheckFlags } from "./commands/check";
import { dashboardCommand, type DashboardFlags } from "./commands/dashboard";
import { docsCommand, type DocsFlags } from "./commands/docs";
import { gcpCompileCommand, gcpScheduleCommand, gcpSetupCommand, type GcpCompileFlags, type GcpScheduleFlags, type GcpSetupFlags } from "./commands/gcp";
import { generateCommand, type GenerateFlags } from "./commands/generate";
import { loadCommand, type LoadCommandFlags } from "./commands/load";
import { lookerLinkCommand, type LookerLinkFlags } from "./commands/looker-link";
import { pipelineCommand } from "./commands/pipeline";
import { runCommand } from "./commands/run";
import { unitTestCommand, type UnitTestFlags } from "./commands/unit-test";

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
    new Option("--max-bad-lines <n>", `set up to n malformed lines aside in ${DATASETS.raw}.raw_sales_malformed instead of refusing the file`)
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
  )).action(async (options: PipelineFlags) => setExitCode(await pipelineCommand(options, output)));

  withLandingOptions(program
    .command("load")
    .description(`Land CSV, CSV.GZ, XLSX and ZIP files in ${DATASETS.raw}.raw_sales (idempotent per file version).`)
    .requiredOption("--source <paths...>", "files, directories, quoted patterns (data/*.csv), gs://bucket/object or gs://bucket/prefix/*.csv")
    .addOption(new Option("--warehouse <name>", "where to land them").choices(["duckdb", "bigquery"]).default("duckdb"))
    .addOption(dbOption())
    .addOption(projectOption())
    .option("--project <id>", "Google Cloud project (default: workflow_settings.yaml defaultProject, or ECOM_GCP_PROJECT)")
    .option("--location <name>", "BigQuery location (default: workflow_settings.yaml defaultLocation, or ECOM_LOCATION)"))
    .action(async (options: LoadCommandFlags) => setExitCode(await loadCommand(options, output)));

  withRunOptions(
    program.command("run").description("Compile the Dataform graph for DuckDB and run it on the warehouse, as `dataform run` does (no loading).")
  ).action(async (options: RunOptions) => setExitCode(await runCommand(options, output)));

  program
    .command("test")
    .description("Run the graph's Dataform unit tests (type: \"test\"): on an in-memory DuckDB, or in BigQuery's dialect on ZetaSQL.")
    .addOption(new Option("--warehouse <name>", "duckdb: the DuckDB compile on DuckDB; bigquery: the BigQuery compile on ZetaSQL's evaluator").choices(["duckdb", "bigquery"]).default("duckdb"))
    .addOption(varsOption())
    .addOption(projectOption())
    .action(async (options: UnitTestFlags) => setExitCode(await unitTestCommand(options, output)));

  program
    .command("check")
    .description("Analyze every statement of the BigQuery compile (and the BigQuery loader's SQL) with ZetaSQL, BigQuery's GoogleSQL front end.")
    .addOption(new Option("--warehouse <name>", "the SQL to check").choices(["bigquery"]).default("bigquery"))
    .addOption(varsOption())
    .addOption(projectOption())
    .action(async (options: CheckFlags) => setExitCode(await checkCommand(options, output)));

  program
    .command("docs")
    .description("Write the docs and lineage site of the graph: every action, its columns and their lineage, assertions, SQL for both warehouses.")
    .option("--db <file>", "a DuckDB warehouse the pipeline built, for row counts and the last run (default: the default warehouse when present)")
    .option("--out <dir>", "directory to write index.html, docs.json and graph.mmd into (default: beside the warehouse, <db>-docs)")
    .addOption(new Option("--format <name>", "html: the site; json: the model on stdout; mermaid: the graph on stdout").choices(["html", "json", "mermaid"]).default("html"))
    .addOption(varsOption())
    .addOption(projectOption())
    .action(async (options: DocsFlags) => setExitCode(await docsCommand(options, output)));

  program
    .command("generate")
    .description("Write a deterministic synthetic Online Retail CSV (the demo input), or a real export repeated N times (a benchmark input).")
    .option("--rows <n>", "data lines to write", positiveInteger, DEFAULT_SAMPLE_ROWS)
    .option("--seed <n>", "random seed", integer, DEFAULT_SEED)
    .option("--from <file>", "instead: repeat this Online Retail CSV or .csv.gz, each copy with its own invoices and customers")
    .option("--copies <n>", "with --from: how many copies (1 to 100; the first is the file as it is)", positiveInteger)
    .requiredOption("--out <file>", "CSV file to write")
    .action(async (options: GenerateFlags, command: Command) => {
      // --rows and --seed have defaults; only when typed do they clash with --from.
      const typed = ["--rows", "--seed"].filter((flag) => command.getOptionValueSource(flag.slice(2)) === "cli");
      setExitCode(await generateCommand({ ...options, typed }, output));
    });

  program
    .command("dashboard")
    .description("Write the local dashboard of a warehouse: one self-contained HTML page, DIR/index.html.")
    .addOption(dbOption())
    .option("--out <dir>", "directory to write index.html into", "dashboard")
    .action(async (options: DashboardFlags) => setExitCode(await dashboardCommand(options, output)));

  program
    .command("looker-link")
    .description("Print a Looker Studio link that creates a report on the BigQuery analytics tables.")
    .addOption(projectOption())
    .option("--project <id>", "Google Cloud project (default: workflow_settings.yaml defaultProject, or ECOM_GCP_PROJECT)")
    .option("--report-name <name>", "name of the new report")
    .action((options: LookerLinkFlags) => setExitCode(lookerLinkCommand(options, output)));

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
  ).action(async (options: GcpSetupFlags) => setExitCode(await gcpSetupCommand(options, output)));
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
  ).action(async (options: GcpScheduleFlags) => setExitCode(await gcpScheduleCommand(options, output)));
  cloudOptions(
    gcp
      .command("compile")
      .description("Have Google's Dataform compile a branch, tag or commit with the release's settings; fail on its compilation errors (a CI gate).")
      .option("--repository <id>", "Dataform repository id (default: ECOM_DATAFORM_REPOSITORY)")
      .option("--region <name>", "Dataform region (default: ECOM_DATAFORM_REGION, else from the location)")
      .option("--git-commitish <ref>", 'branch, tag or commit to compile, pushed to the connected git repository (default "main")')
  ).action(async (options: GcpCompileFlags) => setExitCode(await gcpCompileCommand(options, output)));

  program
    .command("bench")
    .description("Time the whole pipeline against a floor: DuckDB alone reading the same file and grouping once.")
    .option("--rows <n>", "lines to generate when no --source is given", positiveInteger, 1_000_000)
    .option("--seed <n>", "seed of the generated file", integer, DEFAULT_SEED)
    .option("--source <file>", "benchmark on this file instead of a generated one")
    .option("--work-dir <dir>", "where the benchmark's files go", path.join("bench-output"))
    .option("--incremental", "instead: time an incremental run of the source's last month against a full rebuild", false)
    .option("--repeat <n>", "floor/pipeline pairs to time; the ratio printed is their median", positiveInteger, 3)
    .option("--profile <dir>", "also write DuckDB's query profile of each action to DIR/<schema.name>.json (from a run of its own)")
    .option("--minimum", "also time, in each pair, the least work the data contract asks, written by hand in DuckDB (a lower bound)", false)
    .action(async (options: BenchFlags) => setExitCode(await benchCommand(options, output)));

  return program;
}
