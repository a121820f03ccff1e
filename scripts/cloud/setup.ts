import type { BigQuery, DatasetResource } from "@google-cloud/bigquery";
import type { Storage } from "@google-cloud/storage";
import { formatTable, type Output } from "../cli/output";
import { requireCloudSettings, type Datasets, type ProjectConfig } from "../config";
import { EcomError, UsageError } from "../errors";
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
export class SetupError extends EcomError {}

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
    const created = step.kind === "bucket" ? await createBucket(config, clients.storage, step.name) : await createDataset(config, clients.bigquery, step.name);
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

/** One role the workflows' service account needs, where, and why. */
export interface RequiredRole {
  role: string;
  title: string;
  /** What the role is granted on: the project, each dataset, or the bucket. */
  scope: "project" | "dataset" | "bucket" | "service-account";
  /** The resources it is granted on (project id, dataset ids, gs://bucket, service account email). */
  resources: string[];
  why: string;
  /** Shell commands granting it, one per resource, using $DATAFORM_SA (see ROLE_PREAMBLE). */
  commands: string[];
}

export interface RoleOptions {
  /** A custom service account set on the workflow configuration: it gets the roles instead. */
  serviceAccount?: string;
  /** True when actions use a BigQuery connection (BigLake tables, remote functions): this project's do not. */
  usesConnection?: boolean;
}

/** The Dataform service agent, as the Dataform docs name it; the project number is a shell variable. */
export const DATAFORM_SERVICE_AGENT = "service-${PROJECT_NUMBER}@gcp-sa-dataform.iam.gserviceaccount.com";

/**
 * The IAM roles workflow invocations need. Dataform runs them as its service agent (or as the
 * workflow configuration's service account), which starts with no BigQuery or Storage access.
 */
export function requiredRoles(config: ProjectConfig, options: RoleOptions = {}): RequiredRole[] {
  const member = '"serviceAccount:${DATAFORM_SA}"';
  const project = config.projectId;
  const roles: RequiredRole[] = [
    {
      role: "roles/bigquery.jobUser",
      title: "BigQuery Job User",
      scope: "project",
      resources: [project],
      why: "every action runs as a BigQuery query job billed to the project, and creating jobs needs this role on the project.",
      commands: [`gcloud projects add-iam-policy-binding ${project} --member=${member} --role=roles/bigquery.jobUser --condition=None`],
    },
    {
      role: "roles/bigquery.dataEditor",
      title: "BigQuery Data Editor",
      scope: "dataset",
      resources: datasetNames(config),
      why: "actions create, replace and merge into tables and views of the five datasets; granted on those datasets only, not the whole project.",
      // Dataset-level IAM has no gcloud command: BigQuery's GRANT statement is the one-line way.
      commands: datasetNames(config).map(
        (dataset) =>
          `bq query --project_id=${project} --location=${config.location} --nouse_legacy_sql ` +
          `"GRANT \\\`roles/bigquery.dataEditor\\\` ON SCHEMA \\\`${project}.${dataset}\\\` TO 'serviceAccount:\${DATAFORM_SA}'"`
      ),
    },
    {
      role: "roles/storage.objectViewer",
      title: "Storage Object Viewer",
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
      scope: "project",
      resources: [project],
      why: "actions read through a BigQuery connection (BigLake tables or remote functions), which needs permission to use the connection.",
      commands: [`gcloud projects add-iam-policy-binding ${project} --member=${member} --role=roles/bigquery.connectionUser --condition=None`],
    });
  }
  if (options.serviceAccount) {
    roles.push({
      role: "roles/iam.serviceAccountTokenCreator",
      title: "Service Account Token Creator",
      scope: "service-account",
      resources: [options.serviceAccount],
      why: "the Dataform service agent must be able to act as the workflow configuration's service account.",
      commands: [
        `gcloud iam service-accounts add-iam-policy-binding ${options.serviceAccount} --project=${project} ` +
          `--member="serviceAccount:${DATAFORM_SERVICE_AGENT}" --role=roles/iam.serviceAccountTokenCreator`,
      ],
    });
  }
  return roles;
}

/** The roles as printed after setup: the principal, each role with its reason, and the commands to run. */
export function formatRoles(config: ProjectConfig, options: RoleOptions = {}): string[] {
  const principal = options.serviceAccount ?? DATAFORM_SERVICE_AGENT;
  const lines = [
    `IAM roles for the account Dataform runs workflows as (${principal}):`,
    "",
  ];
  for (const role of requiredRoles(config, options)) lines.push(`  ${role.title} (${role.role}) on ${describeScope(role)}: ${role.why}`);
  if (!options.usesConnection) {
    lines.push(
      "  BigQuery Connection User (roles/bigquery.connectionUser): not needed, no action uses a BigQuery connection (the external table over the bucket needs none); grant it if you add BigLake tables or remote functions."
    );
  }
  lines.push("", "Grant them (as a project owner or IAM admin) with:", "");
  lines.push(`  PROJECT_NUMBER="$(gcloud projects describe ${config.projectId} --format='value(projectNumber)')"`);
  lines.push(`  DATAFORM_SA="${principal}"`);
  for (const role of requiredRoles(config, options)) for (const command of role.commands) lines.push(`  ${command}`);
  lines.push(
    "",
    "The Dataform service agent exists once the project has a Dataform repository (or after",
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
      return `service account ${role.resources.join(", ")}, for the Dataform service agent`;
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
    throw new SetupError(`Cannot read bucket gs://${name} (${describeApiError(error)}). Nothing was created.`, { cause: error });
  }
}

async function planDataset(config: ProjectConfig, bigquery: BigQuery, name: string): Promise<SetupStep> {
  try {
    const [metadata] = (await bigquery.dataset(name).getMetadata()) as [DatasetResource, unknown];
    const location = String(metadata.location ?? "");
    return withLocationNote({ action: "exists", kind: "dataset", name, location }, config.location, datasetLocationNote);
  } catch (error) {
    if (apiErrorCode(error) === 404) return { action: "create", kind: "dataset", name, location: config.location };
    throw new SetupError(`Cannot read dataset ${config.projectId}.${name} (${describeApiError(error)}). Nothing was created.`, { cause: error });
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
    throw new SetupError(
      `Cannot create bucket gs://${name} in ${config.location} (${describeApiError(error)}). ` +
        "Check that the Cloud Storage API is enabled and that you may create buckets in the project (roles/storage.admin).",
      { cause: error }
    );
  }
}

/** Returns false when the dataset already existed (409). */
async function createDataset(config: ProjectConfig, bigquery: BigQuery, name: string): Promise<boolean> {
  try {
    await bigquery.createDataset(name, { location: config.location, description: describeDataset(config, name) });
    return true;
  } catch (error) {
    if (apiErrorCode(error) === 409) return false;
    throw new SetupError(
      `Cannot create dataset ${config.projectId}.${name} in ${config.location} (${describeApiError(error)}). ` +
        "Check that the BigQuery API is enabled and that you may create datasets (roles/bigquery.dataOwner or roles/bigquery.admin).",
      { cause: error }
    );
  }
}

function describeDataset(config: ProjectConfig, name: string): string {
  const layer = (Object.keys(config.datasets) as (keyof Datasets)[]).find((key) => config.datasets[key] === name);
  return layer ? DATASET_DESCRIPTIONS[layer] : "Online Retail pipeline.";
}
