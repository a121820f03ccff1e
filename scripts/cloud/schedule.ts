import type { protos, v1 } from "@google-cloud/dataform";
import type { Output } from "../output";
import { requireCloudSettings, type ProjectConfig } from "../config";
import { CloudError, UsageError } from "../errors";
import { authLibrary, dataformLibrary } from "./google-libraries";
import { cloudFailure, isNotFound, requireCredentials } from "./cloud-errors";
import { bigQueryVars } from "./dataform-run";

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
type CompilationResult = protos.google.cloud.dataform.v1.ICompilationResult;
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
  /** The custom service account workflows run as: strict act-as mode allows no other. */
  serviceAccount: string;
  /** Resume a configuration paused in the console (disabled) instead of only reporting it. */
  resume: boolean;
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
  resume?: boolean;
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
  /** It exists and was paused in the console (disabled), and stays so without --resume. */
  paused?: boolean;
}

/** A failure of the Dataform API while reading or writing the schedule. */
export class ScheduleError extends CloudError {}

/** Google's compilation of the repository (from a release configuration or a commitish) reported errors. */
export class GoogleCompilationError extends CloudError {}
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
  const settings: ScheduleSettings = {
    ...resolveCompileSettings(config, flags, env),
    releaseId: checkId("--release", flags.release ?? DEFAULT_RELEASE_ID),
    workflowId: checkId("--workflow", flags.workflow ?? DEFAULT_WORKFLOW_ID),
    cron: checkCron("--cron", flags.cron ?? DEFAULT_CRON),
    timeZone: checkTimeZone(flags.timeZone ?? DEFAULT_TIME_ZONE),
    tags: [...new Set(flags.tags ?? [])].sort(),
    includeDependencies: flags.includeDeps ?? false,
    serviceAccount: resolveServiceAccount(config, flags.serviceAccount),
    resume: flags.resume ?? false,
  };
  const releaseCron = flags.releaseCron ?? DEFAULT_RELEASE_CRON;
  if (releaseCron !== "none") settings.releaseCron = checkHourlyAtMost("--release-cron", checkCron("--release-cron", releaseCron));
  return settings;
}

/** The repository, its region and the commitish, as `ecom gcp schedule` and `ecom gcp compile` take them. */
export function resolveCompileSettings(
  config: ProjectConfig,
  flags: Pick<ScheduleFlags, "repository" | "region" | "gitCommitish">,
  env: NodeJS.ProcessEnv = process.env
): Pick<ScheduleSettings, "repository" | "region" | "gitCommitish"> {
  const repository = flags.repository ?? (env.ECOM_DATAFORM_REPOSITORY || undefined);
  if (!repository) {
    throw new UsageError(
      "No Dataform repository is named: pass --repository ID or set ECOM_DATAFORM_REPOSITORY (create the repository in the console first: BigQuery > Dataform > Create repository)."
    );
  }
  return {
    repository: checkId("--repository", repository),
    region: checkId("--region", flags.region ?? (env.ECOM_DATAFORM_REGION || undefined) ?? dataformRegionFor(config.location)),
    gitCommitish: checkNotBlank("--git-commitish", flags.gitCommitish ?? DEFAULT_GIT_COMMITISH),
  };
}

/**
 * The service account the workflows run as: --service-account, else ECOM_DATAFORM_SERVICE_ACCOUNT,
 * else the var dataform_service_account. Refused when none is set, before any request: under strict
 * act-as mode a workflow configuration without one cannot start its runs.
 */
export function resolveServiceAccount(config: ProjectConfig, flag: string | undefined): string {
  const value = flag ?? config.serviceAccount;
  if (!value || value.startsWith("your-")) {
    const project = config.projectId && !config.projectId.startsWith("your-") ? config.projectId : "PROJECT";
    throw new UsageError(
      "No service account is named for the scheduled runs: Dataform runs workflows as a custom service account (strict act-as mode). " +
        `Create one (gcloud iam service-accounts create dataform-runner --project=${project}), grant the roles \`ecom gcp setup --service-account EMAIL\` prints, ` +
        "then name it with --service-account EMAIL, ECOM_DATAFORM_SERVICE_ACCOUNT, or the var dataform_service_account in workflow_settings.yaml."
    );
  }
  return checkServiceAccount(value);
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
  const { DataformClient } = dataformLibrary().v1;
  if (!config.apiEndpoint) return new DataformClient({ fallback: true });
  const endpoint = parseEndpoint(config.apiEndpoint);
  const { PassThroughClient } = authLibrary();
  return new DataformClient({
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
    serviceAccount: settings.serviceAccount,
  };
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
    compare("release config", releaseName, desiredReleaseConfig(config, settings), existingRelease, releaseDifferences, settings.resume),
    compare("workflow config", workflowName, desiredWorkflowConfig(config, settings), existingWorkflow, workflowDifferences, settings.resume),
  ];
}

/** Whether the release needs a compilation result made now: it changed, or it never had one. */
export function needsCompilation(plan: ScheduleChange[]): boolean {
  const release = plan.find((change) => change.kind === "release config");
  if (!release) return false;
  return release.action !== "unchanged" || !(release.existing as ReleaseConfig | undefined)?.releaseCompilationResult;
}

/**
 * Carries out the plan, all or nothing: the release first (the workflow names it), then a
 * compilation result from it, made by Google where the schedule will run it, set as the release's
 * (so the first run has something to execute), then the workflow. When a step fails, the steps
 * before it are undone (a created configuration deleted, an updated one restored as read), and the
 * error says so. An update sends the wanted configuration with a mask of the differing fields;
 * nested compilation settings the schedule does not manage (other vars, a schema suffix set in the
 * console) are kept by sending them back as read.
 */
export async function applySchedule(
  client: v1.DataformClient,
  config: ProjectConfig,
  settings: ScheduleSettings,
  plan: ScheduleChange[],
  output?: Output
): Promise<CompilationResult | undefined> {
  const parent = repositoryName(config, settings);
  const undo: { change: ScheduleChange; run: () => Promise<void> }[] = [];
  let compiled: CompilationResult | undefined;
  try {
    for (const change of plan) {
      if (change.kind === "workflow config" && needsCompilation(plan)) compiled = await compileAndRelease(client, plan, output);
      if (change.action === "unchanged") continue;
      await writeConfig(change, parent, () => writeChange(client, settings, parent, change));
      undo.unshift({ change, run: () => undoChange(client, change) });
    }
    return compiled;
  } catch (error) {
    const undone: string[] = [];
    const left: string[] = [];
    for (const step of undo) {
      try {
        await step.run();
        undone.push(`${step.change.kind} ${shortName(step.change.name)} ${step.change.action === "create" ? "deleted" : "restored"}`);
      } catch {
        left.push(`${step.change.kind} ${shortName(step.change.name)} (${step.change.action}d; undo it in the console)`);
      }
    }
    if (!(error instanceof CloudError)) throw error;
    const outcome =
      undo.length === 0
        ? "Nothing was changed."
        : left.length > 0
          ? `Undone: ${undone.join(", ") || "nothing"}; could not undo: ${left.join(", ")}.`
          : `Nothing was left changed (${undone.join(", ")}).`;
    throw new (error instanceof GoogleCompilationError ? GoogleCompilationError : ScheduleError)(`${error.message} ${outcome}`, { cause: error.cause ?? error });
  }
}

async function writeChange(client: v1.DataformClient, settings: ScheduleSettings, parent: string, change: ScheduleChange): Promise<void> {
  const updateMask = { paths: change.updateMask };
  if (change.kind === "release config") {
    const desired = change.desired as ReleaseConfig;
    if (change.action === "create") {
      await client.createReleaseConfig({ parent, releaseConfigId: settings.releaseId, releaseConfig: desired });
    } else {
      await client.updateReleaseConfig({ releaseConfig: { name: change.name, ...mergeRelease(desired, (change.existing ?? {}) as ReleaseConfig) }, updateMask });
    }
    return;
  }
  const desired = change.desired as WorkflowConfig;
  if (change.action === "create") {
    await client.createWorkflowConfig({ parent, workflowConfigId: settings.workflowId, workflowConfig: desired });
  } else {
    // The invocation is sent whole as wanted: included targets set in the console are cleared, tags decide.
    await client.updateWorkflowConfig({ workflowConfig: { name: change.name, ...desired }, updateMask });
  }
}

/** Takes back one applied change: deletes what it created, or sends back the fields it updated, as they were read. */
async function undoChange(client: v1.DataformClient, change: ScheduleChange): Promise<void> {
  const updateMask = { paths: change.updateMask };
  if (change.kind === "release config") {
    if (change.action === "create") await client.deleteReleaseConfig({ name: change.name });
    else await client.updateReleaseConfig({ releaseConfig: { ...withoutDefaults(change.existing as ReleaseConfig), name: change.name }, updateMask });
  } else if (change.action === "create") {
    await client.deleteWorkflowConfig({ name: change.name });
  } else {
    await client.updateWorkflowConfig({ workflowConfig: { ...withoutDefaults(change.existing as WorkflowConfig), name: change.name }, updateMask });
  }
}

/**
 * Has Google compile the release configuration (its commitish, with its compilation settings) and,
 * when there are no compilation errors, makes that result the release's, the one workflow runs
 * execute until the release's next scheduled compilation.
 */
async function compileAndRelease(client: v1.DataformClient, plan: ScheduleChange[], output: Output | undefined): Promise<CompilationResult> {
  const release = plan.find((change) => change.kind === "release config") as ScheduleChange;
  const parent = release.name.slice(0, release.name.indexOf("/releaseConfigs/"));
  const result = await createCompilation(client, parent, { releaseConfig: release.name }, `the release config ${shortName(release.name)}`);
  const desired = release.desired as ReleaseConfig;
  const merged = release.existing ? mergeRelease(desired, release.existing as ReleaseConfig) : desired;
  try {
    await client.updateReleaseConfig({
      releaseConfig: { ...merged, name: release.name, releaseCompilationResult: result.name ?? "" },
      updateMask: { paths: ["release_compilation_result"] },
    });
  } catch (error) {
    throw cloudFailure(error, `Cannot set ${shortName(result.name ?? "")} as the compilation result of the release config ${release.name}`, {
      permission: "roles/dataform.editor on the project and, under strict act-as mode, roles/iam.serviceAccountUser on the workflows' service account",
    }, ScheduleError);
  }
  output?.result(`  compiled ${describeCompilation(result)}; released it as ${shortName(release.name)}'s compilation result`);
  return result;
}

/**
 * Creates a compilation result in the repository (from a release configuration, or a commitish with
 * compilation settings) and refuses it, with Google's own messages, when it has compilation errors.
 */
export async function createCompilation(client: v1.DataformClient, parent: string, source: CompilationResult, what: string): Promise<CompilationResult> {
  let result: CompilationResult;
  try {
    [result] = await client.createCompilationResult({ parent, compilationResult: source });
  } catch (error) {
    throw cloudFailure(error, `Cannot compile ${what} in ${parent}`, {
      permission: "roles/dataform.editor on the project",
      notFound: "Create the repository in the console (BigQuery > Dataform > Create repository, in that region), connect it to this git repository, and push the commitish; or pass --region where it lives.",
    }, ScheduleError);
  }
  const errors = result.compilationErrors ?? [];
  if (errors.length > 0) {
    const listed = errors.map((error) => `${[error.path, error.actionTarget?.name].filter(Boolean).join(" ") || "project"}: ${(error.message ?? "").replace(/\s*\n\s*/g, " ")}`);
    throw new GoogleCompilationError(
      `Google's compilation of ${what} (${describeCompilation(result)}) failed with ${errors.length} error${errors.length === 1 ? "" : "s"}: ${listed.join("; ")}.`
    );
  }
  return result;
}

/** "main at 1a2b3c4 with @dataform/core 3.0.62 (compilationResults/ID)". */
function describeCompilation(result: CompilationResult): string {
  const source = result.gitCommitish || (result.releaseConfig ? shortName(result.releaseConfig) : "");
  const sha = result.resolvedGitCommitSha ? ` at ${result.resolvedGitCommitSha.slice(0, 12)}` : "";
  const core = result.dataformCoreVersion ? ` with @dataform/core ${result.dataformCoreVersion}` : "";
  return `${source}${sha}${core} (compilationResults/${shortName(result.name ?? "")})`;
}

export interface RunScheduleOptions {
  config: ProjectConfig;
  settings: ScheduleSettings;
  dryRun: boolean;
  output: Output;
  /** Default: createDataformClient(config), closed at the end. */
  client?: v1.DataformClient;
}

/** The whole command: check settings and credentials, plan, print, apply (compiling the release) unless a dry run. */
export async function runSchedule(options: RunScheduleOptions): Promise<ScheduleChange[]> {
  const { config, settings, output } = options;
  requireCloudSettings(config, needsBucket(settings) ? ["projectId", "bucket"] : ["projectId"]);
  await requireCredentials(config);
  const client = options.client ?? createDataformClient(config);
  try {
    const plan = await planSchedule(client, config, settings);
    output.result(`Dataform schedule in ${repositoryName(config, settings)}${options.dryRun ? " (dry run)" : ""}:`);
    for (const line of formatSchedulePlan(plan, settings)) output.result(`  ${line}`);
    const compile = needsCompilation(plan);
    if (compile) output.result(`  compilation: ${options.dryRun ? "would compile" : "compile"} the release config through the API and release the result, so the first run has it`);
    for (const warning of scheduleWarnings(settings, plan)) output.info(`warning: ${warning}`);
    const changes = plan.filter((change) => change.action !== "unchanged").length;
    if (options.dryRun) {
      output.result(changes === 0 && !compile ? "Dry run: the schedule is up to date; nothing would change." : `Dry run: nothing was changed. Run without --dry-run to apply ${describeChanges(changes, compile)}.`);
    } else if (changes === 0 && !compile) {
      output.result("The schedule is up to date; nothing was changed.");
    } else {
      await applySchedule(client, config, settings, plan, output);
      output.result(`Applied ${describeChanges(changes, compile)}.`);
    }
    return plan;
  } finally {
    await closeQuietly(client);
  }
}

export interface RunCompileOptions {
  config: ProjectConfig;
  settings: Pick<ScheduleSettings, "repository" | "region" | "gitCommitish">;
  output: Output;
  client?: v1.DataformClient;
}

/**
 * `ecom gcp compile`: has Google compile a branch, tag or commit of the repository with the
 * release's compilation settings (project, location, vars), as a CI gate: it fails with Google's
 * compilation errors. It changes no configuration; the result is kept by Dataform like any other.
 */
export async function runCompile(options: RunCompileOptions): Promise<CompilationResult> {
  const { config, output } = options;
  requireCloudSettings(config, ["projectId"]);
  await requireCredentials(config);
  const client = options.client ?? createDataformClient(config);
  const parent = `projects/${config.projectId}/locations/${options.settings.region}/repositories/${options.settings.repository}`;
  try {
    const codeCompilationConfig = desiredReleaseConfig(config, { ...options.settings, timeZone: DEFAULT_TIME_ZONE } as ScheduleSettings).codeCompilationConfig ?? {};
    const result = await createCompilation(client, parent, { gitCommitish: options.settings.gitCommitish, codeCompilationConfig }, options.settings.gitCommitish);
    output.result(`Compiled ${describeCompilation(result)} in ${parent}: no compilation errors.`);
    return result;
  } finally {
    await closeQuietly(client);
  }
}

/** Closing must not hide the error that ended the command (google-gax rejects close() when its stub never started). */
async function closeQuietly(client: v1.DataformClient): Promise<void> {
  try {
    await client.close();
  } catch {
    // Nothing more to release: the stub was never created.
  }
}

function describeChanges(changes: number, compile: boolean): string {
  const parts = changes > 0 ? [`${changes} change${changes === 1 ? "" : "s"}`] : [];
  if (compile) parts.push("a compilation");
  return parts.join(" and ");
}

function shortName(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1);
}

/** One or more lines per configuration: what happens to it and what it holds or what changes. */
export function formatSchedulePlan(plan: ScheduleChange[], settings: ScheduleSettings): string[] {
  const lines: string[] = [];
  for (const change of plan) {
    const id = shortName(change.name);
    const summary = change.kind === "release config" ? describeRelease(settings) : describeWorkflow(settings);
    if (change.action === "update") {
      lines.push(`${change.kind} ${id}: update ${change.updateMask.join(", ")}`);
      for (const difference of change.differences) lines.push(`    ${difference}`);
    } else {
      lines.push(`${change.kind} ${id}: ${change.action === "create" ? "create" : "up to date"} (${summary})${change.paused ? ", PAUSED in the console" : ""}`);
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
  return `runs "${settings.cron}" ${settings.timeZone}, ${actions}, as ${settings.serviceAccount}`;
}

/** Things that would make the schedule misbehave though the API accepts them. */
export function scheduleWarnings(settings: ScheduleSettings, plan: ScheduleChange[] = [], from: Date = new Date()): string[] {
  const warnings: string[] = [];
  for (const change of plan) {
    if (change.paused) {
      warnings.push(
        `the ${change.kind} ${shortName(change.name)} is paused (disabled in the console): ${change.kind === "release config" ? "it makes no scheduled compilation" : "no scheduled run starts"}. It stays paused; pass --resume to resume it.`
      );
    }
  }
  if (!settings.releaseCron) {
    warnings.push(
      "the release config has no compile schedule: workflow runs execute its latest compilation result, so compile it again after each change (ecom gcp schedule does on every change; or Releases > Start compilation in the console), or pass --release-cron."
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
  for (const [option, cron] of [["--cron", settings.cron], ["--release-cron", settings.releaseCron]] as const) {
    const minute = cron === undefined ? undefined : dailyMinute(cron);
    if (minute === undefined) continue;
    const clash = daylightSavingClash(settings.timeZone, minute, from);
    if (clash) warnings.push(`${option} "${cron}" in ${settings.timeZone}: ${clash}. Pick a time outside the change (e.g. after 04:00), or use Etc/UTC.`);
  }
  return warnings;
}

/**
 * Whether a daily local time does not exist (skipped when clocks go forward) or happens twice (when
 * they go back) on some day of the coming year in the time zone: the run may then be skipped or doubled.
 */
export function daylightSavingClash(timeZone: string, minuteOfDay: number, from: Date): string | undefined {
  const format = new Intl.DateTimeFormat("en-CA", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
  const local = (instant: number): string => format.format(new Date(instant)).replace(",", "");
  const hour = Math.floor(minuteOfDay / 60);
  const minute = minuteOfDay % 60;
  const wanted = (day: Date) => `${day.toISOString().slice(0, 10)} ${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
  for (let offsetDays = 0; offsetDays < 366; offsetDays += 1) {
    const day = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate() + offsetDays));
    const target = wanted(day);
    // Every instant within a day of the wall time, minute by minute, that shows that wall time there.
    const naive = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hour, minute);
    let matches = 0;
    for (let shift = -15 * 60; shift <= 15 * 60; shift += 15) if (local(naive - shift * 60_000) === target) matches += 1;
    if (matches === 0) return `on ${target.slice(0, 10)} that time does not exist (clocks go forward), so the run may be skipped`;
    if (matches > 1) return `on ${target.slice(0, 10)} that time happens twice (clocks go back), so the run may happen twice`;
  }
  return undefined;
}

// ---- reading and comparing ----

/** The configuration, or undefined when the API says it does not exist. */
async function readConfig<T>(kind: ScheduleChange["kind"], name: string, get: () => Promise<T>): Promise<T | undefined> {
  try {
    return await get();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw cloudFailure(error, `Cannot read the ${kind} ${name}`, {
      permission: "roles/dataform.editor on the project (and the Dataform API enabled: gcloud services enable dataform.googleapis.com)",
      outcome: "Nothing was changed.",
    }, ScheduleError);
  }
}

async function writeConfig(change: ScheduleChange, parent: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    throw cloudFailure(error, `Cannot ${change.action} the ${change.kind} ${change.name}`, {
      permission: "roles/dataform.editor on the project and, under strict act-as mode, roles/iam.serviceAccountUser on the workflows' service account",
      notFound:
        `The repository ${parent} was not found: create it in the console (BigQuery > Dataform > Create repository, in that region) ` +
        "and connect it to this git repository, or pass --region where it lives.",
    }, ScheduleError);
  }
}

type Differences<T> = (desired: T, existing: T) => { path: string; from: unknown; to: unknown }[];

function compare<T extends ReleaseConfig | WorkflowConfig>(
  kind: ScheduleChange["kind"],
  name: string,
  desired: T,
  existing: T | undefined,
  differences: Differences<T>,
  resume: boolean
): ScheduleChange {
  if (!existing) return { kind, name, action: "create", updateMask: [], differences: [], desired };
  const found = differences(desired, existing);
  const disabled = existing.disabled === true;
  // Paused in the console: said, and left so unless asked to resume (someone paused it on purpose).
  if (disabled && resume) found.push({ path: "disabled", from: true, to: false });
  return {
    ...(disabled && !resume ? { paused: true } : {}),
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
  // Compared by resource ids: the API may name the project by its number where we name it by its id.
  differ(found, "release_config", resourceIds(existing.releaseConfig ?? ""), resourceIds(desired.releaseConfig ?? ""));
  differ(found, "cron_schedule", existing.cronSchedule ?? "", desired.cronSchedule ?? "");
  differ(found, "time_zone", existing.timeZone ?? "", desired.timeZone ?? "");
  const wanted = managedInvocation(desired.invocationConfig ?? {});
  const current = managedInvocation(existing.invocationConfig ?? {});
  if (JSON.stringify(current) !== JSON.stringify(wanted)) found.push({ path: "invocation_config", from: current, to: wanted });
  return found;
}

/** "locations/L/repositories/R/releaseConfigs/ID" of a resource name: the part that does not depend on how the project is named. */
function resourceIds(name: string): string {
  const at = name.indexOf("/locations/");
  return at < 0 ? name : name.slice(at + 1);
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

/** The five fields of a cron expression: name, lowest and highest value, and names allowed in place of numbers. */
const CRON_FIELDS: { name: string; min: number; max: number; names?: string[] }[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
  // 0 and 7 are both Sunday, as in Dataform's (unix) cron.
  { name: "day of week", min: 0, max: 7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
];

/**
 * Five fields (minute hour day-of-month month day-of-week), as Dataform's cron_schedule takes, each
 * a *, a value, a range, a list or a step within the field's bounds, so a typo is refused here and
 * not by the API after the release configuration was written.
 */
function checkCron(option: string, value: string): string {
  const fields = value.trim().split(/\s+/);
  const refuse = (why: string): never => {
    throw new UsageError(`${option} ${JSON.stringify(value)} is not a cron expression: ${why} (expected minute hour day month weekday, e.g. "0 6 * * *").`);
  };
  if (fields.length !== 5) refuse(`${fields.length} field${fields.length === 1 ? "" : "s"} instead of five`);
  fields.forEach((field, index) => {
    const spec = CRON_FIELDS[index] as (typeof CRON_FIELDS)[number];
    const number = (text: string): number => {
      const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
      const parsed = named >= 0 ? named + (spec.name === "month" ? 1 : 0) : /^\d+$/.test(text) ? Number(text) : NaN;
      if (!(parsed >= spec.min && parsed <= spec.max)) refuse(`the ${spec.name} ${JSON.stringify(text)} is not ${spec.min}-${spec.max}`);
      return parsed;
    };
    for (const part of field.split(",")) {
      const [range = "", step, extra] = part.split("/");
      if (extra !== undefined || (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0))) refuse(`the ${spec.name} step in ${JSON.stringify(part)} is not a positive number`);
      if (range === "*") continue;
      const [low = "", high, more] = range.split("-");
      if (more !== undefined) refuse(`${JSON.stringify(part)} is not a range`);
      if (high !== undefined && number(low) > number(high)) refuse(`the ${spec.name} range ${JSON.stringify(range)} runs backwards`);
      number(low);
    }
  });
  return fields.join(" ");
}

/**
 * Dataform makes compilation results from a release configuration at most once an hour: the
 * minute field must be one minute, not a list, range, step or *.
 */
function checkHourlyAtMost(option: string, cron: string): string {
  const minute = cron.split(" ")[0] ?? "";
  if (!/^\d{1,2}$/.test(minute)) {
    throw new UsageError(
      `${option} "${cron}" compiles more than once an hour, and Dataform allows a release configuration at most one compilation an hour: give one minute (e.g. "0 5 * * *" daily, "15 * * * *" hourly).`
    );
  }
  return cron;
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
