import { protos, v1 } from "@google-cloud/dataform";
import { PassThroughClient } from "google-auth-library";
import type { Output } from "../cli/output";
import { requireCloudSettings, type ProjectConfig } from "../config";
import { EcomError, UsageError } from "../errors";
import { bigQueryVars } from "./dataform-run";
import { apiErrorCode, describeApiError } from "./gcs";

/**
 * `ecom gcp schedule`: the Dataform release configuration (which commit to compile, with which
 * settings, and when) and the workflow configuration (which compiled actions to run, when, and as
 * whom) of the scheduled pipeline, through the Dataform API. Declarative and idempotent: each
 * configuration is read first, created when missing, updated with a mask naming exactly the fields
 * that differ, and left alone when it already matches.
 */

type ReleaseConfig = protos.google.cloud.dataform.v1.IReleaseConfig;
type WorkflowConfig = protos.google.cloud.dataform.v1.IWorkflowConfig;
type CodeCompilationConfig = protos.google.cloud.dataform.v1.ICodeCompilationConfig;
type InvocationConfig = protos.google.cloud.dataform.v1.IInvocationConfig;
type DataformClientOptions = NonNullable<ConstructorParameters<typeof v1.DataformClient>[0]>;

export const DEFAULT_RELEASE_ID = "production";
export const DEFAULT_WORKFLOW_ID = "daily";
export const DEFAULT_GIT_COMMITISH = "main";
export const DEFAULT_CRON = "0 6 * * *";
/** Compile an hour before the default run, so each run executes that day's code. */
export const DEFAULT_RELEASE_CRON = "0 5 * * *";
export const DEFAULT_TIME_ZONE = "Etc/UTC";

/** What the schedule is made of, with defaults applied and every value checked. */
export interface ScheduleSettings {
  /** The Dataform repository id (the last part of its name). */
  repository: string;
  /** The Dataform region holding the repository (a region such as us-central1, never a multi-region). */
  region: string;
  releaseId: string;
  workflowId: string;
  gitCommitish: string;
  /** When the workflow runs. */
  cron: string;
  /** When the release compiles the commitish; undefined: never on its own. */
  releaseCron?: string;
  timeZone: string;
  /** Tags of the actions to run; empty: every action. */
  tags: string[];
  /** Also run the dependencies of the tagged actions. */
  includeDependencies: boolean;
  /** Run as this service account instead of the Dataform service agent. */
  serviceAccount?: string;
}

/** The command line's options, before defaults. */
export interface ScheduleFlags {
  repository?: string;
  region?: string;
  release?: string;
  workflow?: string;
  gitCommitish?: string;
  cron?: string;
  releaseCron?: string;
  timeZone?: string;
  tags?: string[];
  includeDeps?: boolean;
  serviceAccount?: string;
}

/** One configuration's fate: its name, what happens to it, and for an update, what changes. */
export interface ScheduleChange {
  kind: "release config" | "workflow config";
  name: string;
  action: "create" | "update" | "unchanged";
  /** For an update: the fields that differ, as update-mask paths. */
  updateMask: string[];
  /** For an update: each differing field, from its current value to the wanted one. */
  differences: string[];
  /** The configuration as wanted (as sent on create; the basis of the update). */
  desired: ReleaseConfig | WorkflowConfig;
  /** The configuration as read, when it exists. */
  existing?: ReleaseConfig | WorkflowConfig;
}

/** A failure of the Dataform API while reading or writing the schedule. */
export class ScheduleError extends EcomError {}

/** gRPC's NOT_FOUND, which the API reports in place of HTTP 404 on the gRPC transport. */
const GRPC_NOT_FOUND = 5;
/** Dataform resource ids: no slash or space may reach the resource name. */
const RESOURCE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
/** BigQuery multi-regions have no Dataform region of the same name: these are their usual homes. */
const DATAFORM_REGION_OF_MULTI_REGION: Record<string, string> = { us: "us-central1", eu: "europe-west1" };

/**
 * Applies defaults and the environment to the command line's options, and checks them: ids, cron
 * expressions, time zone and service account are refused here, naming the option, rather than by
 * the API after the first configuration was written.
 */
export function resolveScheduleSettings(config: ProjectConfig, flags: ScheduleFlags, env: NodeJS.ProcessEnv = process.env): ScheduleSettings {
  const repository = flags.repository ?? (env.ECOM_DATAFORM_REPOSITORY || undefined);
  if (!repository) {
    throw new UsageError(
      "No Dataform repository is named: pass --repository ID or set ECOM_DATAFORM_REPOSITORY (create the repository in the console first: BigQuery > Dataform > Create repository)."
    );
  }
  const settings: ScheduleSettings = {
    repository: checkId("--repository", repository),
    region: checkId("--region", flags.region ?? (env.ECOM_DATAFORM_REGION || undefined) ?? dataformRegionFor(config.location)),
    releaseId: checkId("--release", flags.release ?? DEFAULT_RELEASE_ID),
    workflowId: checkId("--workflow", flags.workflow ?? DEFAULT_WORKFLOW_ID),
    gitCommitish: checkNotBlank("--git-commitish", flags.gitCommitish ?? DEFAULT_GIT_COMMITISH),
    cron: checkCron("--cron", flags.cron ?? DEFAULT_CRON),
    timeZone: checkTimeZone(flags.timeZone ?? DEFAULT_TIME_ZONE),
    tags: [...new Set(flags.tags ?? [])].sort(),
    includeDependencies: flags.includeDeps ?? false,
  };
  const releaseCron = flags.releaseCron ?? DEFAULT_RELEASE_CRON;
  if (releaseCron !== "none") settings.releaseCron = checkCron("--release-cron", releaseCron);
  if (flags.serviceAccount !== undefined) settings.serviceAccount = checkServiceAccount(flags.serviceAccount);
  return settings;
}

/**
 * The Dataform region for a BigQuery location: a region is its own (europe-west2 -> europe-west2);
 * the multi-regions US and EU map to us-central1 and europe-west1. Pass --region when the
 * repository lives elsewhere.
 */
export function dataformRegionFor(location: string): string {
  const lower = location.toLowerCase();
  return DATAFORM_REGION_OF_MULTI_REGION[lower] ?? lower;
}

/**
 * A Dataform API client. It always uses the REST transport (fallback: true), in production as in
 * tests, so the code that runs is the code the tests exercise. With an apiEndpoint (a local
 * stand-in such as http://127.0.0.1:8123) it speaks plain HTTP to that host and port and sends no
 * credentials: google-gax builds each URL from `protocol`, `servicePath` and `port`, and fetches
 * through the auth client it is given, here google-auth-library's PassThroughClient, which adds no
 * header and never asks Google for a token.
 */
export function createDataformClient(config: { apiEndpoint?: string }): v1.DataformClient {
  if (!config.apiEndpoint) return new v1.DataformClient({ fallback: true });
  const endpoint = parseEndpoint(config.apiEndpoint);
  return new v1.DataformClient({
    fallback: true,
    apiEndpoint: endpoint.host,
    port: endpoint.port,
    protocol: endpoint.protocol,
    // google-gax keeps its own copy of google-auth-library, whose AuthClient declaration TypeScript
    // treats as a different class (protected members); at run time gax only calls fetch() on it.
    authClient: new PassThroughClient() as unknown as DataformClientOptions["authClient"],
  });
}

function parseEndpoint(apiEndpoint: string): { protocol: string; host: string; port: number } {
  let url: URL;
  try {
    url = new URL(apiEndpoint);
  } catch (error) {
    throw new UsageError(`ECOM_GCP_API_ENDPOINT ${JSON.stringify(apiEndpoint)} is not a URL: expected http://HOST:PORT.`, { cause: error });
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || (url.pathname !== "/" && url.pathname !== "")) {
    throw new UsageError(`ECOM_GCP_API_ENDPOINT ${JSON.stringify(apiEndpoint)} must be http(s)://HOST:PORT, without a path.`);
  }
  const protocol = url.protocol.slice(0, -1);
  return { protocol, host: url.hostname, port: url.port ? Number(url.port) : protocol === "http" ? 80 : 443 };
}

/** projects/P/locations/L/repositories/R */
export function repositoryName(config: ProjectConfig, settings: ScheduleSettings): string {
  return `projects/${config.projectId}/locations/${settings.region}/repositories/${settings.repository}`;
}

/**
 * The release configuration as wanted: the commitish, compiled for BigQuery into the configured
 * project and location, with the bucket vars the scheduled ingestion reads, on its own schedule.
 */
export function desiredReleaseConfig(config: ProjectConfig, settings: ScheduleSettings): ReleaseConfig {
  const release: ReleaseConfig = {
    gitCommitish: settings.gitCommitish,
    codeCompilationConfig: {
      defaultDatabase: config.projectId,
      defaultLocation: config.location,
      vars: bigQueryVars(config),
    },
  };
  if (settings.releaseCron) release.cronSchedule = settings.releaseCron;
  release.timeZone = settings.timeZone;
  return release;
}

/**
 * The workflow configuration as wanted: the release's latest compilation, run on the cron, the
 * tagged actions (or all), never a full refresh (incremental tables stay incremental on a schedule).
 */
export function desiredWorkflowConfig(config: ProjectConfig, settings: ScheduleSettings): WorkflowConfig {
  const invocationConfig: InvocationConfig = {
    includedTags: settings.tags,
    transitiveDependenciesIncluded: settings.includeDependencies,
    fullyRefreshIncrementalTablesEnabled: false,
  };
  if (settings.serviceAccount) invocationConfig.serviceAccount = settings.serviceAccount;
  return {
    releaseConfig: `${repositoryName(config, settings)}/releaseConfigs/${settings.releaseId}`,
    cronSchedule: settings.cron,
    timeZone: settings.timeZone,
    invocationConfig,
  };
}

/** Reads both configurations and says, for each, whether it would be created, updated or left alone. Sends only GET requests. */
export async function planSchedule(client: v1.DataformClient, config: ProjectConfig, settings: ScheduleSettings): Promise<ScheduleChange[]> {
  const parent = repositoryName(config, settings);
  const releaseName = `${parent}/releaseConfigs/${settings.releaseId}`;
  const workflowName = `${parent}/workflowConfigs/${settings.workflowId}`;
  const existingRelease = await readConfig("release config", releaseName, async () => (await client.getReleaseConfig({ name: releaseName }))[0]);
  const existingWorkflow = await readConfig("workflow config", workflowName, async () => (await client.getWorkflowConfig({ name: workflowName }))[0]);
  return [
    compare("release config", releaseName, desiredReleaseConfig(config, settings), existingRelease, releaseDifferences),
    compare("workflow config", workflowName, desiredWorkflowConfig(config, settings), existingWorkflow, workflowDifferences),
  ];
}

/**
 * Carries out the plan: the release first (the workflow names it). An update sends the wanted
 * configuration with a mask of the differing fields; nested compilation settings the schedule does
 * not manage (other vars, schema suffixes set in the console) are kept by sending them back as read.
 */
export async function applySchedule(client: v1.DataformClient, config: ProjectConfig, settings: ScheduleSettings, plan: ScheduleChange[]): Promise<void> {
  const parent = repositoryName(config, settings);
  for (const change of plan) {
    if (change.action === "unchanged") continue;
    await writeConfig(change, parent, async () => {
      const updateMask = { paths: change.updateMask };
      if (change.kind === "release config") {
        const desired = change.desired as ReleaseConfig;
        if (change.action === "create") {
          await client.createReleaseConfig({ parent, releaseConfigId: settings.releaseId, releaseConfig: desired });
        } else {
          const releaseConfig = { name: change.name, ...mergeRelease(desired, (change.existing ?? {}) as ReleaseConfig) };
          await client.updateReleaseConfig({ releaseConfig, updateMask });
        }
      } else {
        const desired = change.desired as WorkflowConfig;
        if (change.action === "create") {
          await client.createWorkflowConfig({ parent, workflowConfigId: settings.workflowId, workflowConfig: desired });
        } else {
          // The invocation is sent whole as wanted: included targets set in the console are cleared, tags decide.
          await client.updateWorkflowConfig({ workflowConfig: { name: change.name, ...desired }, updateMask });
        }
      }
    });
  }
}

export interface RunScheduleOptions {
  config: ProjectConfig;
  settings: ScheduleSettings;
  dryRun: boolean;
  output: Output;
  /** Default: createDataformClient(config), closed at the end. */
  client?: v1.DataformClient;
}

/** The whole command: check settings, plan, print, apply unless a dry run. */
export async function runSchedule(options: RunScheduleOptions): Promise<ScheduleChange[]> {
  const { config, settings, output } = options;
  requireCloudSettings(config, needsBucket(settings) ? ["projectId", "bucket"] : ["projectId"]);
  const client = options.client ?? createDataformClient(config);
  try {
    const plan = await planSchedule(client, config, settings);
    output.result(`Dataform schedule in ${repositoryName(config, settings)}${options.dryRun ? " (dry run)" : ""}:`);
    for (const line of formatSchedulePlan(plan, settings)) output.result(`  ${line}`);
    for (const warning of scheduleWarnings(settings)) output.info(`warning: ${warning}`);
    const changes = plan.filter((change) => change.action !== "unchanged").length;
    if (options.dryRun) {
      output.result(changes === 0 ? "Dry run: the schedule is up to date; nothing would change." : `Dry run: nothing was changed. Run without --dry-run to apply ${changes} change${changes === 1 ? "" : "s"}.`);
    } else if (changes === 0) {
      output.result("The schedule is up to date; nothing was changed.");
    } else {
      await applySchedule(client, config, settings, plan);
      output.result(`Applied ${changes} change${changes === 1 ? "" : "s"}.`);
    }
    return plan;
  } finally {
    await client.close();
  }
}

/** One or more lines per configuration: what happens to it and what it holds or what changes. */
export function formatSchedulePlan(plan: ScheduleChange[], settings: ScheduleSettings): string[] {
  const lines: string[] = [];
  for (const change of plan) {
    const id = change.name.slice(change.name.lastIndexOf("/") + 1);
    const summary = change.kind === "release config" ? describeRelease(settings) : describeWorkflow(settings);
    if (change.action === "update") {
      lines.push(`${change.kind} ${id}: update ${change.updateMask.join(", ")}`);
      for (const difference of change.differences) lines.push(`    ${difference}`);
    } else {
      lines.push(`${change.kind} ${id}: ${change.action === "create" ? "create" : "up to date"} (${summary})`);
    }
  }
  return lines;
}

function describeRelease(settings: ScheduleSettings): string {
  const compile = settings.releaseCron ? `compiles "${settings.releaseCron}" ${settings.timeZone}` : "no compile schedule";
  return `${settings.gitCommitish}, ${compile}, dialect=bigquery`;
}

function describeWorkflow(settings: ScheduleSettings): string {
  const actions = settings.tags.length > 0 ? `tags ${settings.tags.join(" ")}${settings.includeDependencies ? " with dependencies" : ""}` : "all actions";
  return `runs "${settings.cron}" ${settings.timeZone}, ${actions}, as ${settings.serviceAccount ?? "the Dataform service agent"}`;
}

/** Things that would make the schedule misbehave though the API accepts them. */
export function scheduleWarnings(settings: ScheduleSettings): string[] {
  const warnings: string[] = [];
  if (!settings.releaseCron) {
    warnings.push(
      "the release config has no compile schedule: workflow runs execute its latest compilation result, so compile it once in the console (Releases > Start compilation) and again after each change, or pass --release-cron."
    );
  } else {
    const compile = dailyMinute(settings.releaseCron);
    const run = dailyMinute(settings.cron);
    if (compile !== undefined && run !== undefined && compile >= run) {
      warnings.push(
        `the release compiles at "${settings.releaseCron}", not before the run at "${settings.cron}": each run executes the previous day's compilation. Pass --release-cron with an earlier time.`
      );
    }
  }
  if (settings.serviceAccount) {
    warnings.push(`workflows run as ${settings.serviceAccount}: it needs the roles \`ecom gcp setup --service-account ${settings.serviceAccount}\` prints.`);
  }
  return warnings;
}

// ---- reading and comparing ----

/** The configuration, or undefined when the API says it does not exist. */
async function readConfig<T>(kind: ScheduleChange["kind"], name: string, get: () => Promise<T>): Promise<T | undefined> {
  try {
    return await get();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw new ScheduleError(
      `Cannot read the ${kind} ${name} (${describeApiError(error)}). Check that the Dataform API is enabled ` +
        "(gcloud services enable dataform.googleapis.com) and that you may manage the repository (roles/dataform.admin).",
      { cause: error }
    );
  }
}

async function writeConfig(change: ScheduleChange, parent: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (isNotFound(error)) {
      throw new ScheduleError(
        `Cannot ${change.action} the ${change.kind} ${change.name}: the repository ${parent} was not found (${describeApiError(error)}). ` +
          "Create it in the console (BigQuery > Dataform > Create repository, in that region) and connect it to this git repository, or pass --region where it lives.",
        { cause: error }
      );
    }
    throw new ScheduleError(`Cannot ${change.action} the ${change.kind} ${change.name} (${describeApiError(error)}).`, { cause: error });
  }
}

/** Not found, on either transport: REST errors carry the HTTP status, gRPC ones the status code 5. */
function isNotFound(error: unknown): boolean {
  const code = apiErrorCode(error);
  const status = (error as { status?: unknown } | null)?.status;
  return code === 404 || code === GRPC_NOT_FOUND || status === 404 || status === "NOT_FOUND";
}

type Differences<T> = (desired: T, existing: T) => { path: string; from: unknown; to: unknown }[];

function compare<T extends ReleaseConfig | WorkflowConfig>(
  kind: ScheduleChange["kind"],
  name: string,
  desired: T,
  existing: T | undefined,
  differences: Differences<T>
): ScheduleChange {
  if (!existing) return { kind, name, action: "create", updateMask: [], differences: [], desired };
  const found = differences(desired, existing);
  return {
    kind,
    name,
    action: found.length === 0 ? "unchanged" : "update",
    updateMask: found.map((difference) => difference.path),
    differences: found.map((difference) => `${difference.path}: ${show(difference.from)} -> ${show(difference.to)}`),
    desired,
    existing,
  };
}

/** The release's managed fields that differ. Unset strings read back as "", so they compare as "". */
function releaseDifferences(desired: ReleaseConfig, existing: ReleaseConfig): { path: string; from: unknown; to: unknown }[] {
  const found: { path: string; from: unknown; to: unknown }[] = [];
  differ(found, "git_commitish", existing.gitCommitish ?? "", desired.gitCommitish ?? "");
  const wanted = desired.codeCompilationConfig ?? {};
  const current = existing.codeCompilationConfig ?? {};
  const compilationDiffers =
    (current.defaultDatabase ?? "") !== (wanted.defaultDatabase ?? "") ||
    (current.defaultLocation ?? "") !== (wanted.defaultLocation ?? "") ||
    Object.entries(wanted.vars ?? {}).some(([key, value]) => current.vars?.[key] !== value);
  if (compilationDiffers) {
    found.push({ path: "code_compilation_config", from: managedCompilation(current, wanted), to: managedCompilation(wanted, wanted) });
  }
  differ(found, "cron_schedule", existing.cronSchedule ?? "", desired.cronSchedule ?? "");
  differ(found, "time_zone", existing.timeZone ?? "", desired.timeZone ?? "");
  return found;
}

/** The workflow's managed fields that differ; within invocation_config, tags compare as sets. */
function workflowDifferences(desired: WorkflowConfig, existing: WorkflowConfig): { path: string; from: unknown; to: unknown }[] {
  const found: { path: string; from: unknown; to: unknown }[] = [];
  differ(found, "release_config", existing.releaseConfig ?? "", desired.releaseConfig ?? "");
  differ(found, "cron_schedule", existing.cronSchedule ?? "", desired.cronSchedule ?? "");
  differ(found, "time_zone", existing.timeZone ?? "", desired.timeZone ?? "");
  const wanted = managedInvocation(desired.invocationConfig ?? {});
  const current = managedInvocation(existing.invocationConfig ?? {});
  if (JSON.stringify(current) !== JSON.stringify(wanted)) found.push({ path: "invocation_config", from: current, to: wanted });
  return found;
}

function differ(found: { path: string; from: unknown; to: unknown }[], path: string, from: string, to: string): void {
  if (from !== to) found.push({ path, from, to });
}

/** The compilation settings the schedule manages, as they are in `config`: for showing a change. */
function managedCompilation(config: CodeCompilationConfig, wanted: CodeCompilationConfig): Record<string, unknown> {
  const vars: Record<string, string> = {};
  for (const key of Object.keys(wanted.vars ?? {})) vars[key] = config.vars?.[key] ?? "";
  return { defaultDatabase: config.defaultDatabase ?? "", defaultLocation: config.defaultLocation ?? "", vars };
}

/** The invocation settings the schedule manages, normalised (defaults filled in, tags sorted). */
function managedInvocation(config: InvocationConfig): Record<string, unknown> {
  return {
    includedTags: [...(config.includedTags ?? [])].sort(),
    includedTargets: (config.includedTargets ?? []).map((target) => [target.database, target.schema, target.name].filter(Boolean).join(".")),
    transitiveDependenciesIncluded: config.transitiveDependenciesIncluded ?? false,
    transitiveDependentsIncluded: config.transitiveDependentsIncluded ?? false,
    fullyRefreshIncrementalTablesEnabled: config.fullyRefreshIncrementalTablesEnabled ?? false,
    serviceAccount: config.serviceAccount ?? "",
  };
}

/** The release to send on update: wanted values over the current nested settings the schedule does not manage. */
function mergeRelease(desired: ReleaseConfig, current: ReleaseConfig): ReleaseConfig {
  const currentCompilation = withoutDefaults(current.codeCompilationConfig ?? {});
  const wantedCompilation = desired.codeCompilationConfig ?? {};
  return {
    ...desired,
    codeCompilationConfig: { ...currentCompilation, ...wantedCompilation, vars: { ...(current.codeCompilationConfig?.vars ?? {}), ...(wantedCompilation.vars ?? {}) } },
  };
}

/** A decoded message without its unset fields (the client fills every field with its default on reading). */
function withoutDefaults<T extends object>(message: T): Partial<T> {
  const kept: Partial<T> = {};
  for (const [key, value] of Object.entries(message) as [keyof T, unknown][]) {
    const empty =
      value === null || value === undefined || value === "" || value === false || (Array.isArray(value) && value.length === 0) ||
      (typeof value === "object" && !Array.isArray(value) && Object.keys(value as object).length === 0);
    if (!empty) kept[key] = value as T[keyof T];
  }
  return kept;
}

function show(value: unknown): string {
  return JSON.stringify(value);
}

// ---- checks of the settings ----

function needsBucket(settings: ScheduleSettings): boolean {
  // The ingest action reads gs://<gcs_bucket>/...: a schedule that runs it needs a real bucket.
  return settings.tags.length === 0 || settings.tags.includes("ingest");
}

function checkId(option: string, value: string): string {
  if (!RESOURCE_ID.test(value)) {
    throw new UsageError(`${option} ${JSON.stringify(value)} is not a Dataform resource id: use letters, digits, "-" and "_" (e.g. ${option === "--region" ? "europe-west1" : "production"}).`);
  }
  return value;
}

function checkNotBlank(option: string, value: string): string {
  if (value.trim() === "") throw new UsageError(`${option} may not be empty: name a branch, tag or commit (e.g. main).`);
  return value.trim();
}

/** Five fields (minute hour day-of-month month day-of-week), as Dataform's cron_schedule takes. */
function checkCron(option: string, value: string): string {
  const fields = value.trim().split(/\s+/);
  if (fields.length !== 5 || !fields.every((field) => /^[A-Za-z0-9*/,-]+$/.test(field))) {
    throw new UsageError(`${option} ${JSON.stringify(value)} is not a cron expression: expected five fields, minute hour day month weekday (e.g. "0 6 * * *").`);
  }
  return fields.join(" ");
}

function checkTimeZone(value: string): string {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
  } catch (error) {
    throw new UsageError(`--time-zone ${JSON.stringify(value)} is not a time zone of the tz database (e.g. Etc/UTC, Europe/London).`, { cause: error });
  }
  return value;
}

function checkServiceAccount(value: string): string {
  if (!/^[^@\s]+@[^@\s]+\.gserviceaccount\.com$/.test(value)) {
    throw new UsageError(`--service-account ${JSON.stringify(value)} is not a service account email (NAME@PROJECT.iam.gserviceaccount.com).`);
  }
  return value;
}

/** Minutes after midnight of a daily cron ("M H * * *"), or undefined for any other shape. */
function dailyMinute(cron: string): number | undefined {
  const match = /^(\d{1,2}) (\d{1,2}) \* \* \*$/.exec(cron);
  return match ? Number(match[2]) * 60 + Number(match[1]) : undefined;
}
