import * as fs from "node:fs";
import * as path from "node:path";
import type { Writable } from "node:stream";
import type { ProjectConfig } from "../config";
import { formatVars } from "../dataform/compile";
import { UsageError } from "../errors";
import { runDataformCli } from "../dataform-cli";

/**
 * `ecom pipeline --warehouse bigquery`, after the load: the graph runs on BigQuery through the
 * official `dataform run`, not a re-implementation, so what runs here is exactly what a Dataform
 * workspace or a workflow configuration runs. The selection flags keep the meanings `ecom run`
 * gives them, which are `dataform run`'s.
 */

/** The file `dataform run` reads the BigQuery project, location and credentials from. */
export const CREDENTIALS_FILE = ".df-credentials.json";

export interface DataformRunOptions {
  /** The Dataform project directory (holds workflow_settings.yaml and .df-credentials.json). */
  projectDir: string;
  actions?: string[];
  tags?: string[];
  includeDeps?: boolean;
  includeDependents?: boolean;
  fullRefresh?: boolean;
  runTests?: boolean;
  /** Vars for the compile; see bigQueryVars for the ones the cloud run always sets. */
  vars?: Record<string, string>;
  /** BigQuery validates every statement and changes nothing. */
  dryRun?: boolean;
  /** The project written to (default: workflow_settings.yaml defaultProject). */
  defaultDatabase?: string;
  /** The BigQuery location (default: workflow_settings.yaml defaultLocation). */
  defaultLocation?: string;
}


/**
 * The vars of a BigQuery compile: the bigquery dialect (whatever workflow_settings.yaml says, since
 * the DuckDB dialect cannot run there) and the bucket and prefix of the configuration, so settings
 * from the environment (ECOM_GCS_BUCKET) reach the scheduled ingestion as they reach the loader.
 * Explicit vars win, except a dialect other than bigquery, which is refused.
 */
export function bigQueryVars(config: ProjectConfig, vars: Record<string, string> = {}): Record<string, string> {
  if (vars.dialect !== undefined && vars.dialect !== "bigquery") {
    throw new UsageError(`--vars dialect=${vars.dialect} cannot run on BigQuery: drop it (the BigQuery run always compiles with dialect=bigquery).`);
  }
  return {
    dialect: "bigquery",
    ...(config.bucket ? { gcs_bucket: config.bucket } : {}),
    ...(config.prefix ? { gcs_prefix: config.prefix } : {}),
    ...vars,
  };
}

/**
 * The arguments of `dataform run` after the CLI's path: `run <projectDir>` and one flag per option
 * set. Arrays are passed as `--actions a b`, the form `dataform run --help` documents.
 */
export function dataformRunArgs(options: DataformRunOptions): string[] {
  const args = ["run", options.projectDir];
  if (options.actions && options.actions.length > 0) args.push("--actions", ...options.actions);
  if (options.tags && options.tags.length > 0) args.push("--tags", ...options.tags);
  if (options.includeDeps) args.push("--include-deps");
  if (options.includeDependents) args.push("--include-dependents");
  if (options.fullRefresh) args.push("--full-refresh");
  if (options.runTests) args.push("--run-tests");
  const vars = formatVars(options.vars ?? {});
  if (vars) args.push(`--vars=${vars}`);
  if (options.defaultDatabase) args.push(`--default-database=${options.defaultDatabase}`);
  if (options.defaultLocation) args.push(`--default-location=${options.defaultLocation}`);
  if (options.dryRun) args.push("--dry-run");
  return args;
}

/**
 * Refuses, before anything runs, a project without .df-credentials.json: `dataform run` would stop
 * at the first action with a less helpful message.
 */
export function checkCredentialsFile(projectDir: string): string {
  const file = path.join(projectDir, CREDENTIALS_FILE);
  if (!fs.existsSync(file)) {
    throw new UsageError(
      `${file} is missing, and \`dataform run\` needs it to reach BigQuery. In ${projectDir}, run \`npx dataform init-creds\`: ` +
        "it asks for the BigQuery location (US, EU or a region) and whether to use Application Default Credentials " +
        "(run `gcloud auth application-default login` first) or a service account JSON key, runs a test query, and writes " +
        `${CREDENTIALS_FILE} ({"projectId", "location"}, plus the key if you chose one). The file is git-ignored: never commit it.`
    );
  }
  try {
    JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: delete it and run \`npx dataform init-creds\` again.`, { cause: error });
  }
  return file;
}

export interface RunDataformOptions {
  /** Default: the installed @dataform/cli; tests give a stand-in script. */
  cliPath?: string;
  /** Where the CLI's output goes as it comes (default: this process's stdout and stderr). */
  stdout?: Writable;
  stderr?: Writable;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs `node <cli> run ...` in the project directory, passing its output through as it arrives,
 * and returns its exit code (1 when it was killed by a signal).
 */
export async function runDataform(options: DataformRunOptions, run: RunDataformOptions = {}): Promise<number> {
  checkCredentialsFile(options.projectDir);
  const stdout = run.stdout ?? process.stdout;
  const stderr = run.stderr ?? process.stderr;
  // Forwarded chunk by chunk rather than piped, so the caller's streams are never ended by the child's.
  const { code } = await runDataformCli({
    args: dataformRunArgs(options),
    cwd: options.projectDir,
    ...(run.env ? { env: run.env } : {}),
    ...(run.cliPath ? { cliPath: run.cliPath } : {}),
    stdin: "inherit",
    onStdout: (chunk) => stdout.write(chunk),
    onStderr: (chunk) => stderr.write(chunk),
  });
  return code;
}
