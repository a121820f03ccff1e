import * as assert from "node:assert/strict";
import * as http from "node:http";
import type { BigQuery } from "@google-cloud/bigquery";
import { Storage } from "@google-cloud/storage";
import { RecordingOutput } from "../../scripts/output";
import { createBigQuery } from "../../scripts/cloud/bigquery-loader";
import { createStorage } from "../../scripts/cloud/gcs";
import { applySetup, formatRoles, planSetup, requiredRoles, runSetup, SetupError, type SetupStep } from "../../scripts/cloud/setup";
import { DATASETS, type ProjectConfig } from "../../scripts/config";
import { UsageError } from "../../scripts/errors";
import { assertIsolated, RecordingServer, sendJson, type Recorded } from "../support/recording-server";
import { FakeGcp } from "../support/fake-gcp";


/**
 * A stand-in for the four calls setup makes, on 127.0.0.1: buckets.get and buckets.insert of the
 * Cloud Storage JSON API, datasets.get and datasets.insert of BigQuery v2. It keeps the buckets and
 * datasets it was given or asked to create, with their location, and records every request.
 */
class SetupStandIn extends RecordingServer {
  readonly buckets = new Map<string, { location: string; forbidden?: boolean }>();
  readonly datasets = new Map<string, { location: string }>();
  /** Answered instead of the normal response: the first whose method and path match. */
  readonly failures: { method: string; path: RegExp; status: number; message: string }[] = [];

  static start(): Promise<SetupStandIn> {
    return new SetupStandIn().listen();
  }

  protected route(request: Recorded, url: URL, res: http.ServerResponse): void {
    const failure = this.failures.find((candidate) => candidate.method === request.method && candidate.path.test(url.pathname));
    if (failure) return sendError(res, failure.status, failure.message);
    const [, service, version, ...rest] = url.pathname.split("/").map(decodeURIComponent);
    if (service === "storage" && version === "v1") return this.storage(request, rest, res);
    if (service === "bigquery" && version === "v2") return this.bigquery(request, rest, res);
    sendError(res, 404, `The stand-in does not serve ${request.method} ${request.path}`);
  }

  private storage(request: Recorded, [b, name, ...rest]: string[], res: http.ServerResponse): void {
    if (b !== "b" || rest.length > 0) return sendError(res, 501, `not served: ${request.path}`);
    if (request.method === "GET" && name !== undefined) {
      const bucket = this.buckets.get(name);
      if (!bucket) return sendError(res, 404, "The specified bucket does not exist.");
      if (bucket.forbidden) return sendError(res, 403, "caller does not have storage.buckets.get access to the Google Cloud Storage bucket.");
      return sendJson(res, 200, { kind: "storage#bucket", name, location: bucket.location.toUpperCase() });
    }
    if (request.method === "POST" && name === undefined) {
      const body = request.body as { name: string; location: string };
      if (this.buckets.has(body.name)) return sendError(res, 409, "Your previous request to create the named bucket succeeded and you already own it.");
      this.buckets.set(body.name, { location: body.location });
      return sendJson(res, 200, { kind: "storage#bucket", ...body, location: body.location.toUpperCase() });
    }
    sendError(res, 501, `not served: ${request.method} ${request.path}`);
  }

  private bigquery(request: Recorded, [projects, projectId, datasets, id, ...rest]: string[], res: http.ServerResponse): void {
    if (projects !== "projects" || datasets !== "datasets" || rest.length > 0) return sendError(res, 501, `not served: ${request.path}`);
    if (request.method === "GET" && id !== undefined) {
      const dataset = this.datasets.get(id);
      if (!dataset) return sendError(res, 404, `Not found: Dataset ${projectId ?? ""}:${id}`);
      return sendJson(res, 200, { kind: "bigquery#dataset", id: `${projectId ?? ""}:${id}`, datasetReference: { projectId, datasetId: id }, location: dataset.location });
    }
    if (request.method === "POST" && id === undefined) {
      const body = request.body as { datasetReference: { datasetId: string }; location: string };
      const datasetId = body.datasetReference.datasetId;
      if (this.datasets.has(datasetId)) return sendError(res, 409, `Already Exists: Dataset ${projectId ?? ""}:${datasetId}`);
      this.datasets.set(datasetId, { location: body.location });
      return sendJson(res, 200, { kind: "bigquery#dataset", ...body, datasetReference: { projectId, datasetId } });
    }
    sendError(res, 501, `not served: ${request.method} ${request.path}`);
  }
}


function sendError(res: http.ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: { code: status, message, errors: [{ message, reason: status === 404 ? "notFound" : "invalid", domain: "global" }] } });
}

const DATASET_IDS = Object.values(DATASETS);
/** Each dataset with the description it is created with (shown in the BigQuery console). */
const DESCRIPTIONS: Record<string, string> = {
  [DATASETS.raw]: "Online Retail pipeline: raw CSV lines as landed (raw_sales, load_ledger).",
  [DATASETS.staging]: "Online Retail pipeline: typed sales lines and the lines that could not be typed.",
  [DATASETS.dwh]: "Online Retail pipeline: star schema (fact_sales and its dimensions).",
  [DATASETS.analytics]: "Online Retail pipeline: dashboard aggregates and RFM customer segments.",
  [DATASETS.assertions]: "Online Retail pipeline: Dataform assertion views.",
};
const READS = ["GET /storage/v1/b/shop-raw", ...DATASET_IDS.map((id) => `GET /bigquery/v2/projects/shop-analytics/datasets/${id}`)];

describe("ecom gcp setup (scripts/cloud/setup)", () => {
  let isolation: FakeGcp;
  let standIn: SetupStandIn;
  let config: ProjectConfig;
  let clients: { storage: Storage; bigquery: BigQuery };

  before(async () => {
    // FakeGcp isolates the process from Google (no credentials, metadata server on loopback) and
    // records any connection that is not to loopback; the calls themselves go to the stand-in.
    isolation = await FakeGcp.start();
    standIn = await SetupStandIn.start();
    config = { projectId: "shop-analytics", location: "EU", bucket: "shop-raw", prefix: "raw_sales/", datasets: DATASETS, apiEndpoint: standIn.endpoint };
    clients = { storage: createStorage(config), bigquery: createBigQuery(config) };
  });

  after(async () => {
    await standIn.stop();
    await isolation.stop();
  });

  beforeEach(() => {
    standIn.buckets.clear();
    standIn.datasets.clear();
    standIn.failures.length = 0;
    standIn.requests.length = 0;
  });

  afterEach(() => assertIsolated(isolation, standIn.requests));

  describe("on an empty project", () => {
    it("plans to create the bucket and the five datasets in the configured location, with GET requests only", async () => {
      const plan = await planSetup(config, clients);
      assert.deepEqual(plan, [
        { action: "create", kind: "bucket", name: "shop-raw", location: "EU" },
        ...DATASET_IDS.map((name): SetupStep => ({ action: "create", kind: "dataset", name, location: "EU" })),
      ]);
      assert.deepEqual(standIn.lines(), READS);
    });

    it("creates the bucket (location, uniform bucket-level access) and each dataset (location), exactly", async () => {
      const outcomes = await applySetup(config, clients, await planSetup(config, clients));
      assert.deepEqual(
        outcomes.map((outcome) => `${outcome.kind} ${outcome.name} ${outcome.outcome}`),
        ["bucket shop-raw created", ...DATASET_IDS.map((id) => `dataset ${id} created`)]
      );
      const writes = standIn.requests.filter((request) => request.method !== "GET");
      assert.deepEqual(
        writes.map((request) => ({ line: `${request.method} ${request.path}`, query: request.query, body: request.body })),
        [
          {
            line: "POST /storage/v1/b",
            query: { project: "shop-analytics" },
            body: {
              name: "shop-raw",
              location: "EU",
              iamConfiguration: { uniformBucketLevelAccess: { enabled: true }, publicAccessPrevention: "enforced" },
            },
          },
          ...Object.entries(DESCRIPTIONS).map(([datasetId, description]) => ({
            line: "POST /bigquery/v2/projects/shop-analytics/datasets",
            query: { prettyPrint: "false" },
            body: { location: "EU", description, datasetReference: { datasetId } },
          })),
        ]
      );
      assert.deepEqual(standIn.lines().slice(0, READS.length), READS, "the plan is read before anything is created");
    });

    it("with --dry-run prints the plan and sends only GET requests", async () => {
      const output = new RecordingOutput();
      const plan = await runSetup({ config, clients, dryRun: true, output });
      assert.equal(plan.filter((step) => step.action === "create").length, 6);
      assert.deepEqual(standIn.lines(), READS);
      assert.equal(standIn.buckets.size + standIn.datasets.size, 0);
      assert.match(output.text, /dry run/);
      assert.match(output.text, /bucket\s+shop-raw\s+EU\s+create/);
      assert.match(output.text, /dataset\s+ecommerce_assertions\s+EU\s+create/);
      assert.match(output.text, /Dry run: nothing was created\. Run without --dry-run to create 6 resources\./);
    });
  });

  describe("run twice", () => {
    it("the second run finds everything and sends no create request", async () => {
      await runSetup({ config, clients, dryRun: false, output: new RecordingOutput() });
      standIn.requests.length = 0;
      const output = new RecordingOutput();
      const plan = await runSetup({ config, clients, dryRun: false, output });
      assert.deepEqual(plan.map((step) => step.action), ["exists", "exists", "exists", "exists", "exists", "exists"]);
      assert.deepEqual(standIn.lines(), READS);
      assert.match(output.text, /Everything already existed; nothing was created\./);
    });
  });

  describe("resources that exist elsewhere", () => {
    it("reports a dataset in another location with its actual location and a note, and creates only what is missing", async () => {
      standIn.buckets.set("shop-raw", { location: "EU" });
      standIn.datasets.set(DATASETS.raw, { location: "US" });
      const plan = await planSetup(config, clients);
      assert.deepEqual(plan[0], { action: "exists", kind: "bucket", name: "shop-raw", location: "EU" });
      assert.equal(plan[1]?.location, "US");
      assert.match(plan[1]?.note ?? "", /in US, not EU: jobs run in EU cannot reach it/);
      await applySetup(config, clients, plan);
      assert.deepEqual(
        standIn.requests.filter((request) => request.method === "POST").map((request) => (request.body as { datasetReference?: { datasetId: string } }).datasetReference?.datasetId),
        DATASET_IDS.slice(1)
      );
    });

    it("refuses a bucket another project owns (403), naming it and what to do", async () => {
      standIn.buckets.set("shop-raw", { location: "EU", forbidden: true });
      await assert.rejects(planSetup(config, clients), (error: unknown) => {
        assert.ok(error instanceof SetupError);
        assert.match(error.message, /gs:\/\/shop-raw exists but this account cannot read it .*another project may own it/);
        assert.ok(error.cause);
        return true;
      });
    });

    it("permission denied creating a dataset: one line naming the role, and what was created before it", async () => {
      standIn.failures.push({ method: "POST", path: /\/datasets$/, status: 403, message: "Access Denied: Project shop-analytics: User does not have bigquery.datasets.create permission in project shop-analytics." });
      const output = new RecordingOutput();
      await assert.rejects(runSetup({ config, clients, dryRun: false, output }), (error: unknown) => {
        assert.ok(error instanceof SetupError);
        assert.equal(
          error.message,
          "Cannot create dataset shop-analytics.ecommerce_raw in EU: permission denied (Access Denied: Project shop-analytics: User does not have bigquery.datasets.create permission in project shop-analytics.). " +
            "The account signed in here needs roles/bigquery.admin (or roles/bigquery.dataOwner) on the project: ask a project owner to grant it. " +
            "Created before it: bucket shop-raw; once fixed, run it again: it creates only what is missing."
        );
        return true;
      });
    });

    it("quota exceeded reading: says to wait, and nothing was created", async () => {
      standIn.failures.push({ method: "GET", path: /\/storage\//, status: 429, message: "The project exceeded the rate limit for CloudStorage." });
      // The client retries a 429 with backoff before giving up (seconds): this one gives up at once.
      const storage = new Storage({ projectId: config.projectId, apiEndpoint: standIn.endpoint, useAuthWithCustomEndpoint: false, retryOptions: { autoRetry: false } });
      await assert.rejects(runSetup({ config, clients: { ...clients, storage }, dryRun: true, output: new RecordingOutput() }), (error: unknown) => {
        assert.ok(error instanceof SetupError);
        assert.equal(
          error.message,
          "Cannot read bucket gs://shop-raw: quota exceeded (The project exceeded the rate limit for CloudStorage.). Wait a minute and run this again, or ask for more quota in the console (IAM & Admin > Quotas). Nothing was created."
        );
        return true;
      });
      assert.deepEqual(standIn.lines(), ["GET /storage/v1/b/shop-raw"]);
    });

    it("counts a resource created between the plan and the creation (409) as existing", async () => {
      const plan = await planSetup(config, clients);
      standIn.datasets.set("ecommerce_dwh", { location: "EU" });
      const outcomes = await applySetup(config, clients, plan);
      assert.equal(outcomes.find((outcome) => outcome.name === "ecommerce_dwh")?.outcome, "existed");
    });
  });

  describe("settings", () => {
    it("refuses the placeholder project and bucket of workflow_settings.yaml before any request", async () => {
      await assert.rejects(planSetup({ ...config, projectId: "your-gcp-project" }, clients), UsageError);
      await assert.rejects(planSetup({ ...config, bucket: "your-raw-bucket" }, clients), UsageError);
      await assert.rejects(planSetup({ ...config, bucket: "Shop_Raw" }, clients), /not a valid Cloud Storage bucket name/);
      assert.deepEqual(standIn.requests, []);
    });
  });

  describe("requiredRoles", () => {
    const RUNNER = "runner@shop-analytics.iam.gserviceaccount.com";

    it("names, for the workflows' service account, Dataform's service agent and you, each role on what and why", () => {
      const roles = requiredRoles(config, { serviceAccount: RUNNER });
      assert.deepEqual(
        roles.map((role) => [role.grantee, role.role, role.scope, role.resources]),
        [
          ["service account", "roles/bigquery.jobUser", "project", ["shop-analytics"]],
          ["service account", "roles/bigquery.dataEditor", "dataset", DATASET_IDS],
          ["service account", "roles/storage.objectViewer", "bucket", ["gs://shop-raw"]],
          ["service agent", "roles/iam.serviceAccountTokenCreator", "service-account", [RUNNER]],
          ["you", "roles/iam.serviceAccountUser", "service-account", [RUNNER]],
          ["you", "roles/dataform.editor", "project", ["shop-analytics"]],
        ]
      );
      for (const role of roles) assert.ok(role.why.length > 20, role.role);
    });

    it("gives the exact gcloud and bq commands, the accounts and the project number as shell variables", () => {
      const roles = requiredRoles(config, { serviceAccount: RUNNER });
      assert.deepEqual(roles[0]?.commands, [
        'gcloud projects add-iam-policy-binding shop-analytics --member="serviceAccount:${WORKFLOW_SA}" --role=roles/bigquery.jobUser --condition=None',
      ]);
      assert.equal(
        roles[1]?.commands[0],
        "bq query --project_id=shop-analytics --location=EU --nouse_legacy_sql \"GRANT \\`roles/bigquery.dataEditor\\` ON SCHEMA \\`shop-analytics.ecommerce_raw\\` TO 'serviceAccount:${WORKFLOW_SA}'\""
      );
      assert.deepEqual(roles[2]?.commands, [
        'gcloud storage buckets add-iam-policy-binding gs://shop-raw --member="serviceAccount:${WORKFLOW_SA}" --role=roles/storage.objectViewer',
      ]);
      assert.deepEqual(roles[3]?.commands, [
        `gcloud iam service-accounts add-iam-policy-binding ${RUNNER} --project=shop-analytics --member="serviceAccount:service-\${PROJECT_NUMBER}@gcp-sa-dataform.iam.gserviceaccount.com" --role=roles/iam.serviceAccountTokenCreator`,
      ]);
      assert.deepEqual(roles[4]?.commands, [
        `gcloud iam service-accounts add-iam-policy-binding ${RUNNER} --project=shop-analytics --member="user:\${YOU}" --role=roles/iam.serviceAccountUser`,
      ]);
    });

    it("prints the steps in order: variables, create the account, its roles, the service agent's, yours", () => {
      const lines = formatRoles(config, { serviceAccount: RUNNER });
      assert.equal(lines[0], `IAM: scheduled workflows run as the service account ${RUNNER} (Dataform's strict act-as mode requires a custom one).`);
      const text = lines.join("\n");
      assert.match(text, /PROJECT_NUMBER="\$\(gcloud projects describe shop-analytics --format='value\(projectNumber\)'\)"/);
      assert.match(text, new RegExp(`WORKFLOW_SA="${RUNNER.replace(/\./g, "\\.")}"`));
      assert.match(text, /gcloud iam service-accounts create runner --project=shop-analytics --display-name="Dataform scheduled workflows"/);
      assert.match(text, /BigQuery Connection User \(roles\/bigquery\.connectionUser\): not needed/);
      const steps = lines.filter((line) => /^\d\. /.test(line));
      assert.deepEqual(steps, [
        "1. Create the service account (skip if it exists):",
        "2. Let the service account run the pipeline:",
        "3. Let Dataform's service agent (service-${PROJECT_NUMBER}@gcp-sa-dataform.iam.gserviceaccount.com) act as it:",
        "4. Let whoever runs `ecom gcp schedule` attach it and manage the repository:",
      ]);
      assert.doesNotMatch(text, /No service account is configured yet/);
    });

    it("without a configured service account suggests dataform-runner and says where to set it", () => {
      const text = formatRoles(config).join("\n");
      assert.match(text, /WORKFLOW_SA="dataform-runner@shop-analytics\.iam\.gserviceaccount\.com"/);
      assert.match(text, /No service account is configured yet: this uses the suggested one\. Set the var dataform_service_account/);
    });

    it("adds Connection User only when a connection is used", () => {
      const roles = requiredRoles(config, { usesConnection: true, serviceAccount: RUNNER });
      assert.deepEqual(roles.filter((role) => role.role === "roles/bigquery.connectionUser").map((role) => role.grantee), ["service account"]);
      assert.doesNotMatch(formatRoles(config, { usesConnection: true }).join("\n"), /not needed/);
    });
  });
});
