import * as assert from "node:assert/strict";
import * as http from "node:http";
import { RecordingOutput } from "../../scripts/cli/output";
import {
  createDataformClient,
  dataformRegionFor,
  resolveScheduleSettings,
  runSchedule,
  ScheduleError,
  type ScheduleFlags,
  type ScheduleSettings,
} from "../../scripts/cloud/schedule";
import { DATASETS, type ProjectConfig } from "../../scripts/config";
import { UsageError } from "../../scripts/errors";
import { assertIsolated, RecordingServer, sendJson, type Recorded } from "../support/recording-server";
import { FakeGcp } from "../support/fake-gcp";


type Resource = Record<string, unknown>;

/**
 * A stand-in for the Dataform API v1 (REST) on 127.0.0.1: get, create and patch of release and
 * workflow configurations in the repositories it knows. A patch applies the update mask as the API
 * does (each named top-level field replaced by the body's, or cleared when the body has none);
 * answers carry output-only fields, as the real ones do, so the client must ignore them.
 */
class DataformStandIn extends RecordingServer {
  readonly repositories = new Set<string>();
  readonly configs = new Map<string, Resource>();

  static start(): Promise<DataformStandIn> {
    return new DataformStandIn().listen();
  }

  protected route(request: Recorded, url: URL, res: http.ServerResponse): void {
    const match = /^\/v1\/(projects\/[^/]+\/locations\/[^/]+\/repositories\/[^/]+)\/(releaseConfigs|workflowConfigs)(?:\/([^/]+))?$/.exec(url.pathname);
    if (!match) return sendError(res, 404, `The stand-in does not serve ${request.method} ${request.path}`);
    const [, repository = "", collection = "", id] = match;
    if (!this.repositories.has(repository)) return sendError(res, 404, `Repository ${repository} not found.`);
    const idParam = collection === "releaseConfigs" ? "releaseConfigId" : "workflowConfigId";
    if (request.method === "POST" && id === undefined) return this.create(res, `${repository}/${collection}/${request.query[idParam] ?? ""}`, request.body as Resource);
    const name = `${repository}/${collection}/${id ?? ""}`;
    const existing = this.configs.get(name);
    if (!existing) return sendError(res, 404, `${name} not found.`);
    if (request.method === "GET") return sendJson(res, 200, withOutputOnly(existing));
    if (request.method === "PATCH") return this.patch(res, existing, request.body as Resource, request.query.updateMask ?? "");
    sendError(res, 501, `The stand-in does not serve ${request.method} ${request.path}`);
  }

  private create(res: http.ServerResponse, name: string, body: Resource): void {
    if (this.configs.has(name)) return sendError(res, 409, `${name} already exists.`);
    const resource = { ...body, name };
    this.configs.set(name, resource);
    sendJson(res, 200, withOutputOnly(resource));
  }

  private patch(res: http.ServerResponse, existing: Resource, body: Resource, updateMask: string): void {
    for (const path of updateMask.split(",").filter(Boolean)) {
      const field = path.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
      if (body[field] === undefined) delete existing[field];
      else existing[field] = body[field];
    }
    sendJson(res, 200, withOutputOnly(existing));
  }
}

function withOutputOnly(resource: Resource): Resource {
  return String(resource.name).includes("/workflowConfigs/")
    ? { ...resource, createTime: "2024-01-01T00:00:00Z", updateTime: "2024-01-02T00:00:00Z", internalMetadata: "{}" }
    : { ...resource, internalMetadata: "{}" };
}


/** The error body of Google's REST APIs: { error: { code, message, status } }. */
function sendError(res: http.ServerResponse, status: number, message: string): void {
  const statusName = status === 404 ? "NOT_FOUND" : status === 409 ? "ALREADY_EXISTS" : "UNIMPLEMENTED";
  sendJson(res, status, { error: { code: status, message, status: statusName } });
}

const REPOSITORY = "projects/shop-analytics/locations/europe-west1/repositories/ecommerce";
const RELEASE = `${REPOSITORY}/releaseConfigs/production`;
const WORKFLOW = `${REPOSITORY}/workflowConfigs/daily`;
/** What the REST transport adds to every call: enums as numbers. */
const ALT = { $alt: "json;enum-encoding=int" };
const GETS = [`GET /v1/${RELEASE}`, `GET /v1/${WORKFLOW}`];

const RELEASE_BODY = {
  gitCommitish: "main",
  codeCompilationConfig: {
    defaultDatabase: "shop-analytics",
    defaultLocation: "EU",
    vars: { dialect: "bigquery", gcs_bucket: "shop-raw", gcs_prefix: "raw_sales/" },
  },
  cronSchedule: "0 5 * * *",
  timeZone: "Etc/UTC",
};
const WORKFLOW_BODY = {
  releaseConfig: RELEASE,
  invocationConfig: { transitiveDependenciesIncluded: false, fullyRefreshIncrementalTablesEnabled: false },
  cronSchedule: "0 6 * * *",
  timeZone: "Etc/UTC",
};

describe("ecom gcp schedule (scripts/cloud/schedule)", () => {
  let isolation: FakeGcp;
  let standIn: DataformStandIn;
  let config: ProjectConfig;

  before(async () => {
    // FakeGcp isolates the process from Google and watches for connections beyond loopback.
    isolation = await FakeGcp.start();
    standIn = await DataformStandIn.start();
    config = { projectId: "shop-analytics", location: "EU", bucket: "shop-raw", prefix: "raw_sales/", datasets: DATASETS, apiEndpoint: standIn.endpoint };
  });

  after(async () => {
    await standIn.stop();
    await isolation.stop();
  });

  beforeEach(() => {
    standIn.repositories.clear();
    standIn.repositories.add(REPOSITORY);
    standIn.configs.clear();
    standIn.requests.length = 0;
  });

  afterEach(() => assertIsolated(isolation, standIn.requests));

  function settings(flags: ScheduleFlags = {}): ScheduleSettings {
    return resolveScheduleSettings(config, { repository: "ecommerce", ...flags }, {});
  }

  async function schedule(flags: ScheduleFlags = {}, dryRun = false): Promise<{ output: RecordingOutput; plan: Awaited<ReturnType<typeof runSchedule>> }> {
    const output = new RecordingOutput();
    const plan = await runSchedule({ config, settings: settings(flags), dryRun, output });
    return { output, plan };
  }

  /** Runs a first schedule, then forgets its requests. */
  async function scheduled(flags: ScheduleFlags = {}): Promise<void> {
    await schedule(flags);
    standIn.requests.length = 0;
  }

  describe("first run", () => {
    it("reads both configurations, then creates the release config and the workflow config with exactly these bodies", async () => {
      const { plan } = await schedule();
      assert.deepEqual(plan.map((change) => `${change.kind}: ${change.action}`), ["release config: create", "workflow config: create"]);
      assert.deepEqual(
        standIn.requests.map((request) => ({ line: `${request.method} ${request.path}`, query: request.query, body: request.body })),
        [
          { line: `GET /v1/${RELEASE}`, query: ALT, body: undefined },
          { line: `GET /v1/${WORKFLOW}`, query: ALT, body: undefined },
          { line: `POST /v1/${REPOSITORY}/releaseConfigs`, query: { releaseConfigId: "production", ...ALT }, body: RELEASE_BODY },
          { line: `POST /v1/${REPOSITORY}/workflowConfigs`, query: { workflowConfigId: "daily", ...ALT }, body: WORKFLOW_BODY },
        ]
      );
    });

    it("sends the tags, dependencies and service account given", async () => {
      await schedule({ tags: ["staging", "ingest", "dwh", "analytics"], includeDeps: true, serviceAccount: "runner@shop-analytics.iam.gserviceaccount.com" });
      const create = standIn.requests.find((request) => request.method === "POST" && request.path.endsWith("/workflowConfigs"));
      assert.deepEqual((create?.body as { invocationConfig: unknown }).invocationConfig, {
        includedTags: ["analytics", "dwh", "ingest", "staging"],
        transitiveDependenciesIncluded: true,
        fullyRefreshIncrementalTablesEnabled: false,
        serviceAccount: "runner@shop-analytics.iam.gserviceaccount.com",
      });
    });

    it("with --dry-run prints what would be created and sends only the two GET requests", async () => {
      const { output } = await schedule({}, true);
      assert.deepEqual(standIn.lines(), GETS);
      assert.equal(standIn.configs.size, 0);
      assert.match(output.text, /release config production: create \(main, compiles "0 5 \* \* \*" Etc\/UTC, dialect=bigquery\)/);
      assert.match(output.text, /workflow config daily: create \(runs "0 6 \* \* \*" Etc\/UTC, all actions, as the Dataform service agent\)/);
      assert.match(output.text, /Dry run: nothing was changed\. Run without --dry-run to apply 2 changes\./);
    });
  });

  describe("run again", () => {
    it("with the same settings sends only the two GET requests", async () => {
      await scheduled();
      const { plan, output } = await schedule();
      assert.deepEqual(plan.map((change) => change.action), ["unchanged", "unchanged"]);
      assert.deepEqual(standIn.lines(), GETS);
      assert.match(output.text, /The schedule is up to date; nothing was changed\./);
    });

    it("after the cron changes sends one PATCH of the workflow config, its mask cron_schedule, and nothing else", async () => {
      await scheduled();
      await schedule({ cron: "0 7 * * *" });
      assert.deepEqual(standIn.lines(), [...GETS, `PATCH /v1/${WORKFLOW}`]);
      const patch = standIn.requests[2];
      assert.deepEqual(patch?.query, { updateMask: "cron_schedule", ...ALT });
      // The name travels in the path only: the REST transcoding takes it out of the body.
      assert.deepEqual(patch?.body, { ...WORKFLOW_BODY, cronSchedule: "0 7 * * *" });
      assert.equal(standIn.configs.get(WORKFLOW)?.cronSchedule, "0 7 * * *");
    });

    it("with --dry-run shows the change, field by field, and sends only GET requests", async () => {
      await scheduled();
      const { output } = await schedule({ cron: "0 7 * * *", tags: ["dwh"] }, true);
      assert.deepEqual(standIn.lines(), GETS);
      assert.match(output.text, /workflow config daily: update cron_schedule, invocation_config/);
      assert.match(output.text, /cron_schedule: "0 6 \* \* \*" -> "0 7 \* \* \*"/);
      assert.match(output.text, /invocation_config: \{"includedTags":\[\],.*\} -> \{"includedTags":\["dwh"\],/);
      assert.equal(standIn.configs.get(WORKFLOW)?.cronSchedule, "0 6 * * *");
    });

    it("updates the release's compilation settings and keeps the ones set in the console", async () => {
      await scheduled();
      const release = standIn.configs.get(RELEASE) as { codeCompilationConfig: Record<string, unknown> };
      release.codeCompilationConfig = { ...release.codeCompilationConfig, schemaSuffix: "prod", vars: { ...(release.codeCompilationConfig.vars as object), top_n: "5" } };
      config = { ...config, bucket: "shop-raw-2" };
      try {
        await schedule({ gitCommitish: "release-2024" });
      } finally {
        config = { ...config, bucket: "shop-raw" };
      }
      assert.deepEqual(standIn.lines(), [...GETS, `PATCH /v1/${RELEASE}`]);
      const patch = standIn.requests[2];
      assert.deepEqual(patch?.query, { updateMask: "git_commitish,code_compilation_config", ...ALT });
      assert.deepEqual(patch?.body, {
        ...RELEASE_BODY,
        gitCommitish: "release-2024",
        codeCompilationConfig: {
          defaultDatabase: "shop-analytics",
          defaultLocation: "EU",
          schemaSuffix: "prod",
          vars: { dialect: "bigquery", gcs_bucket: "shop-raw-2", gcs_prefix: "raw_sales/", top_n: "5" },
        },
      });
    });
  });

  describe("failures", () => {
    it("names a missing repository and says how to create it", async () => {
      standIn.repositories.clear();
      await assert.rejects(schedule(), (error: unknown) => {
        assert.ok(error instanceof ScheduleError);
        assert.match(error.message, new RegExp(`Cannot create the release config ${RELEASE}: the repository ${REPOSITORY} was not found`));
        assert.match(error.message, /Create repository/);
        assert.ok(error.cause);
        return true;
      });
      assert.deepEqual(standIn.lines(), [...GETS, `POST /v1/${REPOSITORY}/releaseConfigs`]);
    });

    it("refuses the placeholder bucket when the schedule runs the ingestion, before any request", async () => {
      const output = new RecordingOutput();
      await assert.rejects(runSchedule({ config: { ...config, bucket: "your-raw-bucket" }, settings: settings(), dryRun: true, output }), UsageError);
      assert.deepEqual(standIn.requests, []);
    });
  });

  describe("settings", () => {
    it("takes the repository from ECOM_DATAFORM_REPOSITORY and fills in the defaults", () => {
      assert.deepEqual(resolveScheduleSettings(config, {}, { ECOM_DATAFORM_REPOSITORY: "ecommerce" }), {
        repository: "ecommerce",
        region: "europe-west1",
        releaseId: "production",
        workflowId: "daily",
        gitCommitish: "main",
        cron: "0 6 * * *",
        releaseCron: "0 5 * * *",
        timeZone: "Etc/UTC",
        tags: [],
        includeDependencies: false,
      });
    });

    it("refuses a missing repository, a bad cron, a bad time zone and a bad service account, naming the option", () => {
      assert.throws(() => resolveScheduleSettings(config, {}, {}), /--repository ID or set ECOM_DATAFORM_REPOSITORY/);
      assert.throws(() => settings({ cron: "every day" }), /--cron "every day" is not a cron expression/);
      assert.throws(() => settings({ timeZone: "Mars/Olympus" }), /--time-zone "Mars\/Olympus" is not a time zone/);
      assert.throws(() => settings({ serviceAccount: "runner" }), /--service-account "runner" is not a service account email/);
      assert.throws(() => settings({ repository: "a/b" }), /--repository "a\/b" is not a Dataform resource id/);
    });

    it("maps BigQuery multi-regions to a Dataform region and keeps regions", () => {
      assert.equal(dataformRegionFor("US"), "us-central1");
      assert.equal(dataformRegionFor("EU"), "europe-west1");
      assert.equal(dataformRegionFor("europe-west2"), "europe-west2");
      assert.equal(settings({ region: "us-east4" }).region, "us-east4");
    });

    it("drops the compile schedule with --release-cron none, and warns that runs then need a manual compilation", async () => {
      assert.equal(settings({ releaseCron: "none" }).releaseCron, undefined);
      const { output } = await schedule({ releaseCron: "none" }, true);
      assert.match(output.text, /no compile schedule/);
    });

    it("warns when the release compiles after the run", async () => {
      const { output } = await schedule({ cron: "0 4 * * *" }, true);
      assert.match(output.text, /each run executes the previous day's compilation/);
    });

    it("refuses an endpoint with a path", () => {
      assert.throws(() => createDataformClient({ apiEndpoint: "http://127.0.0.1:1/v1" }), /without a path/);
    });
  });
});
