import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { UsageError } from "./errors";
import contract = require("../includes/contract");

/**
 * The one place the project's Google Cloud settings come from: workflow_settings.yaml (the Dataform
 * settings, so the loader, the GCP commands and `dataform run` agree), then environment variables,
 * then command-line flags, each overriding the one before.
 */
export interface ProjectConfig {
  /** Google Cloud project id (workflow_settings.yaml defaultProject; ECOM_GCP_PROJECT). */
  projectId: string;
  /** BigQuery location of the datasets (defaultLocation; ECOM_LOCATION). */
  location: string;
  /** Bucket of the raw CSV exports (var gcs_bucket; ECOM_GCS_BUCKET). */
  bucket: string;
  /** Object prefix of the raw exports in the bucket (var gcs_prefix; ECOM_GCS_PREFIX). */
  prefix: string;
  datasets: Datasets;
  /**
   * The custom service account scheduled workflows run as (var dataform_service_account;
   * ECOM_DATAFORM_SERVICE_ACCOUNT); undefined when not set. Dataform's strict act-as mode needs one.
   */
  serviceAccount?: string;
  /** Where Google Cloud clients send requests instead of Google's (ECOM_GCP_API_ENDPOINT): a local stand-in for tests. */
  apiEndpoint?: string;
}

/** The five datasets of the data contract; a project's settings may rename the assertions' one. */
export interface Datasets {
  raw: string;
  staging: string;
  dwh: string;
  analytics: string;
  assertions: string;
}

/** The datasets as the data contract (includes/contract.js) names them, the SQLX configs' too. */
export const DATASETS: Readonly<Datasets> = contract.DATASETS;

export interface ConfigOverrides {
  projectId?: string;
  location?: string;
  bucket?: string;
  prefix?: string;
  serviceAccount?: string;
  apiEndpoint?: string;
}

interface WorkflowSettings {
  defaultProject?: unknown;
  defaultLocation?: unknown;
  defaultAssertionDataset?: unknown;
  vars?: Record<string, unknown>;
}

/** Reads the configuration for the Dataform project in `projectDir`. */
export function loadProjectConfig(
  projectDir: string,
  overrides: ConfigOverrides = {},
  env: NodeJS.ProcessEnv = process.env
): ProjectConfig {
  const settingsFile = path.join(projectDir, "workflow_settings.yaml");
  let settings: WorkflowSettings;
  try {
    settings = (parseYaml(fs.readFileSync(settingsFile, "utf8")) ?? {}) as WorkflowSettings;
  } catch (error) {
    throw new UsageError(`Cannot read ${settingsFile}: ${(error as Error).message}`, { cause: error });
  }
  const vars = settings.vars ?? {};
  const pick = (flag: string | undefined, variable: string, fromSettings: unknown): string | undefined =>
    flag ?? (env[variable] || undefined) ?? (typeof fromSettings === "string" && fromSettings !== "" ? fromSettings : undefined);
  const config: ProjectConfig = {
    projectId: pick(overrides.projectId, "ECOM_GCP_PROJECT", settings.defaultProject) ?? "",
    location: pick(overrides.location, "ECOM_LOCATION", settings.defaultLocation) ?? "US",
    bucket: pick(overrides.bucket, "ECOM_GCS_BUCKET", vars.gcs_bucket) ?? "",
    prefix: pick(overrides.prefix, "ECOM_GCS_PREFIX", vars.gcs_prefix) ?? "",
    datasets: {
      ...DATASETS,
      assertions: typeof settings.defaultAssertionDataset === "string" ? settings.defaultAssertionDataset : DATASETS.assertions,
    },
  };
  const serviceAccount = pick(overrides.serviceAccount, "ECOM_DATAFORM_SERVICE_ACCOUNT", vars.dataform_service_account);
  if (serviceAccount) config.serviceAccount = serviceAccount;
  const apiEndpoint = overrides.apiEndpoint ?? (env.ECOM_GCP_API_ENDPOINT || undefined);
  if (apiEndpoint) config.apiEndpoint = apiEndpoint;
  return config;
}

/** The settings a Google Cloud command needs, refused with what to set when missing or left as placeholders. */
export function requireCloudSettings(config: ProjectConfig, needs: ("projectId" | "bucket")[]): void {
  for (const need of needs) {
    const value = config[need];
    if (!value || value.startsWith("your-")) {
      const where =
        need === "projectId"
          ? "defaultProject in workflow_settings.yaml, ECOM_GCP_PROJECT, or --project"
          : "the var gcs_bucket in workflow_settings.yaml, ECOM_GCS_BUCKET, or --bucket";
      throw new UsageError(`No Google Cloud ${need === "projectId" ? "project" : "bucket"} is configured (got ${JSON.stringify(value)}): set ${where}.`);
    }
  }
}
