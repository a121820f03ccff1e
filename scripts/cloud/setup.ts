import type { BigQuery, DatasetResource } from "@google-cloud/bigquery";
import type { Storage } from "@google-cloud/storage";
import { formatTable } from "../format";
import type { Output } from "../output";
import { requireCloudSettings, type Datasets, type ProjectConfig } from "../config";
import { CloudError, UsageError } from "../errors";
import { cloudFailure, isNotFound, requireCredentials } from "./cloud-errors";
import { apiErrorCode, describeApiError } from "./gcs";

/**
 * `ecom gcp setup`: the Google Cloud resources the pipeline writes to (the raw-files bucket and the
 * five datasets of the data contract), created when missing and left alone when present, then the
 * IAM roles the Dataform service account needs, as commands to run. Reading comes first (the plan),
 * so `--dry-run` sends only GET requests and a second run sends no create request.
 */

/** The clients setup works through (createStorage and createBigQuery give them for a config). */
export interface SetupClients {
  storage: Storage;
  bigquery: BigQuery;
}

/** One resource of the plan: created by applySetup when `action` is "create". */
export interface SetupStep {
  action: "create" | "exists";
  kind: "bucket" | "dataset";
  name: string;
  /** For "create", the configured location; for "exists", where the resource actually is. */
  location: string;
  /** Something the reader must act on, such as an existing resource in another location. */
  note?: string;
}

/** What applySetup did for one step. */
export interface SetupOutcome extends SetupStep {
  outcome: "created" | "existed";
}

/** A failure talking to Cloud Storage or BigQuery while planning or applying setup. */
export class SetupError extends CloudError {}

/** Why each dataset exists, shown in the BigQuery console as its description. */
const DATASET_DESCRIPTIONS: Record<keyof Datasets, string> = {
  raw: "Online Retail pipeline: raw CSV lines as landed (raw_sales, load_ledger).",
  staging: "Online Retail pipeline: typed sales lines and the lines that could not be typed.",
  dwh: "Online Retail pipeline: star schema (fact_sales and its dimensions).",
  analytics: "Online Retail pipeline: dashboard aggregates and RFM customer segments.",
  assertions: "Online Retail pipeline: Dataform assertion views.",
};

/** Cloud Storage's rules for bucket names, so a bad name is refused before any request. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;

/**
 * Reads, without changing anything, which of the bucket and the five datasets exist. Existing
 * resources are reported with their actual location, and a note when it is not the configured one:
 * BigQuery jobs run in one location and cannot reach a dataset elsewhere.
 */
export async function planSetup(config: ProjectConfig, clients: SetupClients): Promise<SetupStep[]> {
  requireCloudSettings(config, ["projectId", "bucket"]);
  checkBucketName(config.bucket);
  const steps: SetupStep[] = [await planBucket(config, clients.storage)];
  for (const dataset of datasetNames(config)) steps.push(await planDataset(config, clients.bigquery, dataset));
  return steps;
}

/**
 * Creates what the plan marks "create", in plan order. A resource that appeared since the plan was
 * read (409 Already Exists) counts as existing: the goal, a resource of that name, is reached.
 */
export async function applySetup(config: ProjectConfig, clients: SetupClients, plan: SetupStep[]): Promise<SetupOutcome[]> {
  const outcomes: SetupOutcome[] = [];
  for (const step of plan) {
    if (step.action === "exists") {
      outcomes.push({ ...step, outcome: "existed" });
      continue;
    }
    let created: boolean;
    try {
      created = step.kind === "bucket" ? await createBucket(config, clients.storage, step.name) : await createDataset(config, clients.bigquery, step.name);
    } catch (error) {
      if (!(error instanceof CloudError)) throw error;
      // Buckets and datasets are not deleted to take a run back (a mistaken delete loses data): say what exists.
      const done = outcomes.filter((outcome) => outcome.outcome === "created").map((outcome) => `${outcome.kind} ${outcome.name}`);
      const outcome = done.length === 0 ? "Nothing was created." : `Created before it: ${done.join(", ")}; once fixed, run it again: it creates only what is missing.`;
      throw new SetupError(`${error.message} ${outcome}`, { cause: error.cause ?? error });
    }
    outcomes.push({ ...step, outcome: created ? "created" : "existed" });
  }
  return outcomes;
}

export interface RunSetupOptions {
  config: ProjectConfig;
  clients: SetupClients;
  /** Print the plan and change nothing. */
  dryRun: boolean;
  output: Output;
  /** The service account workflows run as, when not the default Dataform service account. */
  serviceAccount?: string;
}

/** The whole command: plan, print, apply unless a dry run, then print the IAM roles to grant. */
export async function runSetup(options: RunSetupOptions): Promise<SetupStep[]> {
  const { config, output } = options;
  requireCloudSettings(config, ["projectId", "bucket"]);
  await requireCredentials(config);
  const plan = await planSetup(config, options.clients);
  const toCreate = plan.filter((step) => step.action === "create").length;
  output.result(`Google Cloud setup for project ${config.projectId} (${config.location})${options.dryRun ? ", dry run" : ""}:`);
  for (const line of formatPlan(plan)) output.result(`  ${line}`);
  for (const step of plan) if (step.note) output.info(`warning: ${step.kind} ${step.name}: ${step.note}`);
  if (options.dryRun) {
    output.result(toCreate === 0 ? "Dry run: everything exists; nothing would be created." : `Dry run: nothing was created. Run without --dry-run to create ${toCreate} resource${toCreate === 1 ? "" : "s"}.`);
  } else {
    const outcomes = await applySetup(config, options.clients, plan);
    const created = outcomes.filter((outcome) => outcome.outcome === "created");
    output.result(created.length === 0 ? "Everything already existed; nothing was created." : `Created ${created.map((outcome) => `${outcome.kind} ${outcome.name}`).join(", ")}.`);
  }
  output.result("");
  for (const line of formatRoles(config, options.serviceAccount ? { serviceAccount: options.serviceAccount } : {})) output.result(line);
  return plan;
}

/** The plan as a table: kind, name, location, action. */
export function formatPlan(plan: SetupStep[]): string[] {
  return formatTable(
    ["kind", "name", "location", "action"],
    plan.map((step) => [step.kind, step.name, step.location, step.action === "create" ? "create" : "exists, left as is"])
  );
}

// ---- IAM ----

/** One role someone needs for the scheduled runs, on what, and why. */
export interface RequiredRole {
  role: string;
  title: string;
  /** Who gets it: the workflows' service account, Dataform's service agent, or whoever runs `ecom gcp schedule`. */
  grantee: "service account" | "service agent" | "you";
  /** What the role is granted on: the project, each dataset, the bucket, or the service account. */
  scope: "project" | "dataset" | "bucket" | "service-account";
  /** The resources it is granted on (project id, dataset ids, gs://bucket, service account email). */
  resources: string[];
  why: string;
  /** Shell commands granting it, one per resource, using the variables of ROLE_VARIABLES. */
  commands: string[];
}

export interface RoleOptions {
  /** The custom service account the workflows run as (default: a suggested dataform-runner@PROJECT). */
  serviceAccount?: string;
  /** True when actions use a BigQuery connection (BigLake tables, remote functions): this project's do not. */
  usesConnection?: boolean;
}

/** The Dataform service agent, as the Dataform docs name it; the project number is a shell variable. */
export const DATAFORM_SERVICE_AGENT = "service-${PROJECT_NUMBER}@gcp-sa-dataform.iam.gserviceaccount.com";
/** The service account to create when none is configured. */
export const SUGGESTED_SERVICE_ACCOUNT_ID = "dataform-runner";

/** The workflows' service account: the one given, or the suggested dataform-runner of the project. */
export function workflowServiceAccount(config: ProjectConfig, options: RoleOptions = {}): string {
  return options.serviceAccount ?? config.serviceAccount ?? `${SUGGESTED_SERVICE_ACCOUNT_ID}@${config.projectId}.iam.gserviceaccount.com`;
}

/**
 * The IAM roles scheduled runs need under strict act-as mode: the custom service account the
 * workflows run as reads and writes the data; Dataform's service agent mints its tokens; whoever
 * creates or updates the configurations may act as it and manage the repository.
 */
export function requiredRoles(config: ProjectConfig, options: RoleOptions = {}): RequiredRole[] {
  const member = '"serviceAccount:${WORKFLOW_SA}"';
  const project = config.projectId;
  const account = workflowServiceAccount(config, options);
  const roles: RequiredRole[] = [
    {
      role: "roles/bigquery.jobUser",
      title: "BigQuery Job User",
      grantee: "service account",
      scope: "project",
      resources: [project],
      why: "every action runs as a BigQuery query job billed to the project, and creating jobs needs this role on the project.",
      commands: [`gcloud projects add-iam-policy-binding ${project} --member=${member} --role=roles/bigquery.jobUser --condition=None`],
    },
    {
      role: "roles/bigquery.dataEditor",
      title: "BigQuery Data Editor",
      grantee: "service account",
      scope: "dataset",
      resources: datasetNames(config),
      why: "actions create, replace and merge into tables and views of the five datasets; granted on those datasets only, not the whole project.",
      // Dataset-level IAM has no gcloud command: BigQuery's GRANT statement is the one-line way.
      commands: datasetNames(config).map(
        (dataset) =>
          `bq query --project_id=${project} --location=${config.location} --nouse_legacy_sql ` +
          `"GRANT \\\`roles/bigquery.dataEditor\\\` ON SCHEMA \\\`${project}.${dataset}\\\` TO 'serviceAccount:\${WORKFLOW_SA}'"`
      ),
    },
    {
      role: "roles/storage.objectViewer",
      title: "Storage Object Viewer",
      grantee: "service account",
      scope: "bucket",
      resources: [`gs://${config.bucket}`],
      why: "scheduled ingestion (the ingest_raw_sales operation) reads the raw CSV exports through an external table, with the caller's own access to the bucket.",
      commands: [`gcloud storage buckets add-iam-policy-binding gs://${config.bucket} --member=${member} --role=roles/storage.objectViewer`],
    },
  ];
  if (options.usesConnection) {
    roles.push({
      role: "roles/bigquery.connectionUser",
      title: "BigQuery Connection User",
      grantee: "service account",
      scope: "project",
      resources: [project],
      why: "actions read through a BigQuery connection (BigLake tables or remote functions), which needs permission to use the connection.",
      commands: [`gcloud projects add-iam-policy-binding ${project} --member=${member} --role=roles/bigquery.connectionUser --condition=None`],
    });
  }
  roles.push(
    {
      role: "roles/iam.serviceAccountTokenCreator",
      title: "Service Account Token Creator",
      grantee: "service agent",
      scope: "service-account",
      resources: [account],
      why: "Dataform's service agent starts each run by creating a token of the workflows' service account.",
      commands: [
        `gcloud iam service-accounts add-iam-policy-binding ${account} --project=${project} ` +
          `--member="serviceAccount:${DATAFORM_SERVICE_AGENT}" --role=roles/iam.serviceAccountTokenCreator`,
      ],
    },
    {
      role: "roles/iam.serviceAccountUser",
      title: "Service Account User",
      grantee: "you",
      scope: "service-account",
      resources: [account],
      why: "strict act-as mode: creating or updating a workflow configuration that runs as the account, or a release configuration used by one, needs iam.serviceAccounts.actAs on it.",
      commands: [`gcloud iam service-accounts add-iam-policy-binding ${account} --project=${project} --member="user:\${YOU}" --role=roles/iam.serviceAccountUser`],
    },
    {
      role: "roles/dataform.editor",
      title: "Dataform Editor",
      grantee: "you",
      scope: "project",
      resources: [project],
      why: "`ecom gcp schedule` and `ecom gcp compile` create and update release and workflow configurations and compilation results in the repository.",
      commands: [`gcloud projects add-iam-policy-binding ${project} --member="user:\${YOU}" --role=roles/dataform.editor --condition=None`],
    }
  );
  return roles;
}

/**
 * The roles as printed after setup, step by step: create the account, let it run the pipeline, let
 * Dataform's service agent act as it, let yourself attach it; each role with its reason, then the
 * commands, ready to paste.
 */
export function formatRoles(config: ProjectConfig, options: RoleOptions = {}): string[] {
  const account = workflowServiceAccount(config, options);
  const configured = options.serviceAccount ?? config.serviceAccount;
  const roles = requiredRoles(config, options);
  const lines = [
    `IAM: scheduled workflows run as the service account ${account} (Dataform's strict act-as mode requires a custom one).`,
    ...(configured
      ? []
      : ["No service account is configured yet: this uses the suggested one. Set the var dataform_service_account in workflow_settings.yaml (or ECOM_DATAFORM_SERVICE_ACCOUNT) to it."]),
    "Run these as a project owner or IAM admin:",
    "",
    `  PROJECT_NUMBER="$(gcloud projects describe ${config.projectId} --format='value(projectNumber)')"`,
    `  WORKFLOW_SA="${account}"`,
    `  YOU="$(gcloud config get-value account)"   # or the email of whoever runs \`ecom gcp schedule\``,
    "",
    "1. Create the service account (skip if it exists):",
    `  gcloud iam service-accounts create ${account.slice(0, account.indexOf("@"))} --project=${config.projectId} --display-name="Dataform scheduled workflows"`,
    "",
  ];
  const step = (title: string, grantee: RequiredRole["grantee"], notes: string[] = []) => {
    lines.push(title);
    for (const role of roles.filter((candidate) => candidate.grantee === grantee)) lines.push(`  - ${role.title} (${role.role}) on ${describeScope(role)}: ${role.why}`);
    for (const note of notes) lines.push(`  - ${note}`);
    for (const role of roles.filter((candidate) => candidate.grantee === grantee)) for (const command of role.commands) lines.push(`  ${command}`);
    lines.push("");
  };
  step(
    "2. Let the service account run the pipeline:",
    "service account",
    options.usesConnection
      ? []
      : ["BigQuery Connection User (roles/bigquery.connectionUser): not needed, no action uses a BigQuery connection (the external table over the bucket needs none); grant it if you add BigLake tables or remote functions."]
  );
  step(`3. Let Dataform's service agent (${DATAFORM_SERVICE_AGENT}) act as it:`, "service agent");
  step("4. Let whoever runs `ecom gcp schedule` attach it and manage the repository:", "you");
  lines.push(
    "Dataform's service agent exists once the project has a Dataform repository (or after",
    `\`gcloud beta services identity create --service=dataform.googleapis.com --project=${config.projectId}\`).`
  );
  return lines;
}

function describeScope(role: RequiredRole): string {
  switch (role.scope) {
    case "project":
      return `project ${role.resources.join(", ")}`;
    case "dataset":
      return `datasets ${role.resources.join(", ")}`;
    case "bucket":
      return `bucket ${role.resources.join(", ")}`;
    case "service-account":
      return `the service account ${role.resources.join(", ")}`;
  }
}

// ---- planning and creating ----

/** The five dataset ids, in the order data flows through them. */
function datasetNames(config: ProjectConfig): string[] {
  const { raw, staging, dwh, analytics, assertions } = config.datasets;
  return [raw, staging, dwh, analytics, assertions];
}

function checkBucketName(bucket: string): void {
  if (!BUCKET_NAME.test(bucket) || bucket.startsWith("goog")) {
    throw new UsageError(
      `${JSON.stringify(bucket)} is not a valid Cloud Storage bucket name: use 3 to 63 lower-case letters, digits, dashes, underscores or dots, starting and ending with a letter or digit, not starting with "goog". Set it with --bucket, ECOM_GCS_BUCKET or the var gcs_bucket.`
    );
  }
}

async function planBucket(config: ProjectConfig, storage: Storage): Promise<SetupStep> {
  const name = config.bucket;
  try {
    const [metadata] = await storage.bucket(name).getMetadata();
    const location = String(metadata.location ?? "");
    return withLocationNote({ action: "exists", kind: "bucket", name, location }, config.location, bucketLocationNote);
  } catch (error) {
    const code = apiErrorCode(error);
    if (code === 404) return { action: "create", kind: "bucket", name, location: config.location };
    if (code === 403) {
      throw new SetupError(
        `Bucket gs://${name} exists but this account cannot read it (${describeApiError(error)}). Bucket names are global: another project may own it. ` +
          "Choose another name (--bucket, ECOM_GCS_BUCKET or the var gcs_bucket), or get storage.buckets.get on it.",
        { cause: error }
      );
    }
    throw cloudFailure(error, `Cannot read bucket gs://${name}`, { permission: "roles/storage.admin on the project", outcome: "Nothing was created." }, SetupError);
  }
}

async function planDataset(config: ProjectConfig, bigquery: BigQuery, name: string): Promise<SetupStep> {
  try {
    const [metadata] = (await bigquery.dataset(name).getMetadata()) as [DatasetResource, unknown];
    const location = String(metadata.location ?? "");
    return withLocationNote({ action: "exists", kind: "dataset", name, location }, config.location, datasetLocationNote);
  } catch (error) {
    if (isNotFound(error)) return { action: "create", kind: "dataset", name, location: config.location };
    throw cloudFailure(error, `Cannot read dataset ${config.projectId}.${name}`, {
      permission: "roles/bigquery.admin (or roles/bigquery.dataOwner) on the project",
      notFound: `The project ${config.projectId} was not found: check defaultProject, ECOM_GCP_PROJECT or --project.`,
      outcome: "Nothing was created.",
    }, SetupError);
  }
}

/** Adds a note when an existing resource is not where the configuration expects it. */
function withLocationNote(step: SetupStep, configured: string, note: (actual: string, configured: string) => string): SetupStep {
  if (sameLocation(step.location, configured)) return step;
  return { ...step, note: note(step.location, configured) };
}

function bucketLocationNote(actual: string, configured: string): string {
  return `it is in ${actual}, not ${configured}: BigQuery load jobs and external tables in ${configured} may not read it. Keep raw files in a bucket in ${configured}.`;
}

function datasetLocationNote(actual: string, configured: string): string {
  return `it is in ${actual}, not ${configured}: jobs run in ${configured} cannot reach it. Set defaultLocation (or --location) to ${actual}, or drop and recreate the dataset.`;
}

/** Locations compare case-insensitively: Storage reports "US", BigQuery "US" or "europe-west1". */
function sameLocation(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Returns false when the bucket already existed (409). */
async function createBucket(config: ProjectConfig, storage: Storage, name: string): Promise<boolean> {
  try {
    await storage.createBucket(name, {
      location: config.location,
      iamConfiguration: {
        // Access through IAM only (no per-object ACLs), so the bucket-level grants below are the whole story.
        uniformBucketLevelAccess: { enabled: true },
        // Raw exports hold customer ids: never allow them to be made public.
        publicAccessPrevention: "enforced",
      },
    });
    return true;
  } catch (error) {
    if (apiErrorCode(error) === 409) return false;
    throw cloudFailure(error, `Cannot create bucket gs://${name} in ${config.location}`, { permission: "roles/storage.admin on the project" }, SetupError);
  }
}

/** Returns false when the dataset already existed (409). */
async function createDataset(config: ProjectConfig, bigquery: BigQuery, name: string): Promise<boolean> {
  try {
    await bigquery.createDataset(name, { location: config.location, description: describeDataset(config, name) });
    return true;
  } catch (error) {
    if (apiErrorCode(error) === 409) return false;
    throw cloudFailure(error, `Cannot create dataset ${config.projectId}.${name} in ${config.location}`, {
      permission: "roles/bigquery.admin (or roles/bigquery.dataOwner) on the project",
    }, SetupError);
  }
}

function describeDataset(config: ProjectConfig, name: string): string {
  const layer = (Object.keys(config.datasets) as (keyof Datasets)[]).find((key) => config.datasets[key] === name);
  return layer ? DATASET_DESCRIPTIONS[layer] : "Online Retail pipeline.";
}
