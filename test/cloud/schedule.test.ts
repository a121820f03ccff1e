import * as assert from "node:assert/strict";
import { RecordingOutput } from "../../scripts/output";
import {
  createDataformClient,
  dataformRegionFor,
  daylightSavingClash,
  GoogleCompilationError,
  resolveCompileSettings,
  resolveScheduleSettings,
  runCompile,
  runSchedule,
  ScheduleError,
  scheduleWarnings,
  type ScheduleFlags,
  type ScheduleSettings,
} from "../../scripts/cloud/schedule";
import { DATASETS, type ProjectConfig } from "../../scripts/config";
import { UsageError } from "../../scripts/errors";
import { assertIsolated } from "../support/recording-server";
import { DataformStandIn, STAND_IN_COMMIT } from "../support/fake-dataform";
import { FakeGcp } from "../support/fake-gcp";


const REPOSITORY = "projects/shop-analytics/locations/europe-west1/repositories/ecommerce";
const RELEASE = `${REPOSITORY}/releaseConfigs/production`;
const WORKFLOW = `${REPOSITORY}/workflowConfigs/daily`;
const COMPILATION = `${REPOSITORY}/compilationResults/stand-in-1`;
const RUNNER = "runner@shop-analytics.iam.gserviceaccount.com";
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
  invocationConfig: { transitiveDependenciesIncluded: false, fullyRefreshIncrementalTablesEnabled: false, serviceAccount: RUNNER },
  cronSchedule: "0 6 * * *",
  timeZone: "Etc/UTC",
};
/** The requests of a first run, in order: read both, create the release, compile it, release the result, create the workflow. */
const FIRST_RUN = [
  ...GETS,
  `POST /v1/${REPOSITORY}/releaseConfigs`,
  `POST /v1/${REPOSITORY}/compilationResults`,
  `PATCH /v1/${RELEASE}`,
  `POST /v1/${REPOSITORY}/workflowConfigs`,
];

describe("ecom gcp schedule (scripts/cloud/schedule)", () => {
  let isolation: FakeGcp;
  let standIn: DataformStandIn;
  let config: ProjectConfig;

  before(async () => {
    // FakeGcp isolates the process from Google and watches for connections beyond loopback.
    isolation = await FakeGcp.start();
    standIn = await DataformStandIn.start();
    config = {
      projectId: "shop-analytics",
      location: "EU",
      bucket: "shop-raw",
      prefix: "raw_sales/",
      datasets: DATASETS,
      serviceAccount: RUNNER,
      apiEndpoint: standIn.endpoint,
    };
  });

  after(async () => {
    await standIn.stop();
    await isolation.stop();
  });

  beforeEach(() => standIn.reset(REPOSITORY));

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

  /** The error a schedule run fails with, checked to be of that class. */
  async function failure<T extends Error>(kind: new (...args: never[]) => T, flags: ScheduleFlags = {}): Promise<T> {
    const error = await schedule(flags).then(
      () => undefined,
      (rejected: unknown) => rejected
    );
    assert.ok(error instanceof kind, `expected a ${kind.name}, got ${String(error)}`);
    return error;
  }

  describe("first run", () => {
    it("reads both configurations, creates the release, has Google compile it, releases that result, then creates the workflow as the service account", async () => {
      const { plan, output } = await schedule();
      assert.deepEqual(plan.map((change) => `${change.kind}: ${change.action}`), ["release config: create", "workflow config: create"]);
      assert.deepEqual(
        standIn.requests.map((request) => ({ line: `${request.method} ${request.path}`, query: request.query, body: request.body })),
        [
          { line: `GET /v1/${RELEASE}`, query: ALT, body: undefined },
          { line: `GET /v1/${WORKFLOW}`, query: ALT, body: undefined },
          { line: `POST /v1/${REPOSITORY}/releaseConfigs`, query: { releaseConfigId: "production", ...ALT }, body: RELEASE_BODY },
          { line: `POST /v1/${REPOSITORY}/compilationResults`, query: ALT, body: { releaseConfig: RELEASE } },
          { line: `PATCH /v1/${RELEASE}`, query: { updateMask: "release_compilation_result", ...ALT }, body: { ...RELEASE_BODY, releaseCompilationResult: COMPILATION } },
          { line: `POST /v1/${REPOSITORY}/workflowConfigs`, query: { workflowConfigId: "daily", ...ALT }, body: WORKFLOW_BODY },
        ]
      );
      assert.equal(standIn.configs.get(RELEASE)?.releaseCompilationResult, COMPILATION);
      assert.deepEqual((standIn.configs.get(WORKFLOW)?.invocationConfig as { serviceAccount?: string }).serviceAccount, RUNNER);
      assert.match(output.text, new RegExp(`compiled production at ${STAND_IN_COMMIT.slice(0, 12)} with @dataform/core 3\\.0\\.62 \\(compilationResults/stand-in-1\\); released it`));
      assert.match(output.text, /Applied 2 changes and a compilation\./);
    });

    it("sends the tags and dependencies given", async () => {
      await schedule({ tags: ["staging", "ingest", "dwh", "analytics"], includeDeps: true });
      const create = standIn.requests.find((request) => request.method === "POST" && request.path.endsWith("/workflowConfigs"));
      assert.deepEqual((create?.body as { invocationConfig: unknown }).invocationConfig, {
        includedTags: ["analytics", "dwh", "ingest", "staging"],
        transitiveDependenciesIncluded: true,
        fullyRefreshIncrementalTablesEnabled: false,
        serviceAccount: RUNNER,
      });
    });

    it("with --dry-run prints what would be created and compiled, and sends only the two GET requests", async () => {
      const { output } = await schedule({}, true);
      assert.deepEqual(standIn.lines(), GETS);
      assert.equal(standIn.configs.size, 0);
      assert.match(output.text, /release config production: create \(main, compiles "0 5 \* \* \*" Etc\/UTC, dialect=bigquery\)/);
      assert.match(output.text, /workflow config daily: create \(runs "0 6 \* \* \*" Etc\/UTC, all actions, as runner@shop-analytics\.iam\.gserviceaccount\.com\)/);
      assert.match(output.text, /compilation: would compile the release config through the API/);
      assert.match(output.text, /Dry run: nothing was changed\. Run without --dry-run to apply 2 changes and a compilation\./);
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

    it("after the cron changes sends one PATCH of the workflow config, its mask cron_schedule, and compiles nothing", async () => {
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

    it("updates the release's compilation settings, keeps the ones set in the console, and compiles the changed release", async () => {
      await scheduled();
      const release = standIn.configs.get(RELEASE) as { codeCompilationConfig: Record<string, unknown> };
      release.codeCompilationConfig = { ...release.codeCompilationConfig, schemaSuffix: "prod", vars: { ...(release.codeCompilationConfig.vars as object), top_n: "5" } };
      config = { ...config, bucket: "shop-raw-2" };
      try {
        await schedule({ gitCommitish: "release-2024" });
      } finally {
        config = { ...config, bucket: "shop-raw" };
      }
      assert.deepEqual(standIn.lines(), [...GETS, `PATCH /v1/${RELEASE}`, `POST /v1/${REPOSITORY}/compilationResults`, `PATCH /v1/${RELEASE}`]);
      const patch = standIn.requests[2];
      assert.deepEqual(patch?.query, { updateMask: "git_commitish,code_compilation_config", ...ALT });
      const merged = {
        ...RELEASE_BODY,
        gitCommitish: "release-2024",
        codeCompilationConfig: {
          defaultDatabase: "shop-analytics",
          defaultLocation: "EU",
          schemaSuffix: "prod",
          vars: { dialect: "bigquery", gcs_bucket: "shop-raw-2", gcs_prefix: "raw_sales/", top_n: "5" },
        },
      };
      assert.deepEqual(patch?.body, merged);
      assert.equal(standIn.configs.get(RELEASE)?.releaseCompilationResult, `${REPOSITORY}/compilationResults/stand-in-2`);
    });

    it("compiles a release that exists without a compilation result, and changes nothing else", async () => {
      await scheduled();
      delete standIn.configs.get(RELEASE)?.releaseCompilationResult;
      await schedule();
      assert.deepEqual(standIn.lines(), [...GETS, `POST /v1/${REPOSITORY}/compilationResults`, `PATCH /v1/${RELEASE}`]);
      assert.deepEqual(standIn.requests[3]?.query, { updateMask: "release_compilation_result", ...ALT });
    });

    it("takes a workflow whose release is named by project number as the same release", async () => {
      await scheduled();
      const workflow = standIn.configs.get(WORKFLOW) as { releaseConfig: string };
      workflow.releaseConfig = RELEASE.replace("projects/shop-analytics/", "projects/123456789012/");
      const { plan } = await schedule();
      assert.deepEqual(plan.map((change) => change.action), ["unchanged", "unchanged"]);
      assert.deepEqual(standIn.lines(), GETS);
    });

    it("reports a workflow paused in the console and leaves it paused; --resume resumes it", async () => {
      await scheduled();
      (standIn.configs.get(WORKFLOW) as { disabled?: boolean }).disabled = true;
      const { output } = await schedule();
      assert.deepEqual(standIn.lines(), GETS);
      assert.match(output.text, /workflow config daily: up to date \(.*\), PAUSED in the console/);
      assert.match(output.text, /warning: the workflow config daily is paused \(disabled in the console\): no scheduled run starts\. It stays paused; pass --resume to resume it\./);
      standIn.requests.length = 0;
      await schedule({ resume: true });
      assert.deepEqual(standIn.lines(), [...GETS, `PATCH /v1/${WORKFLOW}`]);
      assert.deepEqual(standIn.requests[2]?.query, { updateMask: "disabled", ...ALT });
      assert.equal(standIn.configs.get(WORKFLOW)?.disabled, undefined);
    });
  });

  describe("failures, each in one line, leaving nothing half-created", () => {
    it("fails with Google's compilation errors, deletes the release it created, and creates no workflow", async () => {
      standIn.compilationErrors = [
        { path: "definitions/dwh/fact_sales.sqlx", actionTarget: { schema: "ecommerce_dwh", name: "fact_sales" }, message: 'Unexpected identifier "SELEC"', stack: "Error: at line 3" },
        { message: "Missing dependency: ecommerce_raw.nope" },
      ];
      const error = await failure(GoogleCompilationError);
      assert.equal(
        error.message,
        `Google's compilation of the release config production (production at ${STAND_IN_COMMIT.slice(0, 12)} with @dataform/core 3.0.62 (compilationResults/stand-in-1)) failed with 2 errors: ` +
          'definitions/dwh/fact_sales.sqlx fact_sales: Unexpected identifier "SELEC"; project: Missing dependency: ecommerce_raw.nope. ' +
          "Nothing was left changed (release config production deleted)."
      );
      assert.deepEqual(standIn.lines(), [...GETS, `POST /v1/${REPOSITORY}/releaseConfigs`, `POST /v1/${REPOSITORY}/compilationResults`, `DELETE /v1/${RELEASE}`]);
      assert.equal(standIn.configs.size, 0);
    });

    it("on a compilation error of an updated release restores the fields it changed", async () => {
      await scheduled();
      standIn.compilationErrors = [{ message: "Syntax error" }];
      await failure(GoogleCompilationError, { gitCommitish: "broken-tag" });
      assert.deepEqual(standIn.lines(), [...GETS, `PATCH /v1/${RELEASE}`, `POST /v1/${REPOSITORY}/compilationResults`, `PATCH /v1/${RELEASE}`]);
      assert.deepEqual(standIn.requests[4]?.query, { updateMask: "git_commitish", ...ALT });
      assert.equal(standIn.configs.get(RELEASE)?.gitCommitish, "main");
      assert.equal(standIn.configs.get(RELEASE)?.releaseCompilationResult, COMPILATION);
    });

    it("permission denied creating the workflow (no actAs on the service account): names the role, and deletes the release it created", async () => {
      standIn.failures.push({ method: "POST", path: /\/workflowConfigs$/, status: 403, message: `Permission 'iam.serviceAccounts.actAs' denied on service account ${RUNNER}` });
      const error = await failure(ScheduleError);
      assert.equal(
        error.message,
        `Cannot create the workflow config ${WORKFLOW}: permission denied (Permission 'iam.serviceAccounts.actAs' denied on service account ${RUNNER}). ` +
          "The account signed in here needs roles/dataform.editor on the project and, under strict act-as mode, roles/iam.serviceAccountUser on the workflows' service account: ask a project owner to grant it. " +
          "Nothing was left changed (release config production deleted)."
      );
      assert.ok(error.cause);
      assert.deepEqual(standIn.lines().slice(-1), [`DELETE /v1/${RELEASE}`]);
      assert.equal(standIn.configs.size, 0);
    });

    it("permission denied reading: names the role, and nothing was changed", async () => {
      standIn.failures.push({ method: "GET", path: /releaseConfigs/, status: 403, message: "Permission 'dataform.releaseConfigs.get' denied" });
      const error = await failure(ScheduleError);
      assert.equal(
        error.message,
        `Cannot read the release config ${RELEASE}: permission denied (Permission 'dataform.releaseConfigs.get' denied). ` +
          "The account signed in here needs roles/dataform.editor on the project (and the Dataform API enabled: gcloud services enable dataform.googleapis.com): ask a project owner to grant it. Nothing was changed."
      );
      assert.deepEqual(standIn.lines(), [`GET /v1/${RELEASE}`]);
    });

    it("quota exceeded creating the release: says to wait, and nothing was changed", async () => {
      standIn.failures.push({ method: "POST", path: /\/releaseConfigs$/, status: 429, message: "Quota exceeded for quota metric 'Write requests'" });
      const error = await failure(ScheduleError);
      assert.equal(
        error.message,
        `Cannot create the release config ${RELEASE}: quota exceeded (Quota exceeded for quota metric 'Write requests'). ` +
          "Wait a minute and run this again, or ask for more quota in the console (IAM & Admin > Quotas). Nothing was changed."
      );
      assert.equal(standIn.configs.size, 0);
    });

    it("names a missing repository and says how to create it", async () => {
      standIn.repositories.clear();
      const error = await failure(ScheduleError);
      assert.match(error.message, new RegExp(`^Cannot create the release config ${RELEASE}: not found \\(Repository ${REPOSITORY} not found\\.\\)\\. The repository ${REPOSITORY} was not found: create it in the console`));
      assert.match(error.message, /Nothing was changed\.$/);
      assert.deepEqual(standIn.lines(), [...GETS, `POST /v1/${REPOSITORY}/releaseConfigs`]);
    });

    it("an unreachable endpoint: says the network, in one line", async () => {
      const stopped = await DataformStandIn.start();
      const endpoint = stopped.endpoint;
      await stopped.stop();
      const output = new RecordingOutput();
      const error = await runSchedule({ config: { ...config, apiEndpoint: endpoint }, settings: settings(), dryRun: true, output }).then(
        () => undefined,
        (rejected: unknown) => rejected
      );
      assert.ok(error instanceof ScheduleError);
      assert.match(error.message, new RegExp(`^Cannot read the release config ${RELEASE}: Google Cloud cannot be reached \\(.*ECONNREFUSED.*\\)\\. Check the network connection \\(or proxy\\) and run this again\\. Nothing was changed\\.$`));
      assert.doesNotMatch(error.message, /\n/);
    });

    it("refuses the placeholder bucket when the schedule runs the ingestion, before any request", async () => {
      const output = new RecordingOutput();
      await assert.rejects(runSchedule({ config: { ...config, bucket: "your-raw-bucket" }, settings: settings(), dryRun: true, output }), UsageError);
      assert.deepEqual(standIn.requests, []);
    });
  });

  describe("ecom gcp compile", () => {
    it("has Google compile the commitish with the release's settings, changing no configuration", async () => {
      const output = new RecordingOutput();
      const result = await runCompile({ config, settings: resolveCompileSettings(config, { repository: "ecommerce", gitCommitish: "feature-x" }, {}), output });
      assert.equal(result.name, COMPILATION);
      assert.deepEqual(
        standIn.requests.map((request) => ({ line: `${request.method} ${request.path}`, body: request.body })),
        [{ line: `POST /v1/${REPOSITORY}/compilationResults`, body: { gitCommitish: "feature-x", codeCompilationConfig: RELEASE_BODY.codeCompilationConfig } }]
      );
      assert.equal(standIn.configs.size, 0);
      assert.equal(output.text, `Compiled feature-x at ${STAND_IN_COMMIT.slice(0, 12)} with @dataform/core 3.0.62 (compilationResults/stand-in-1) in ${REPOSITORY}: no compilation errors.`);
    });

    it("fails with Google's compilation errors", async () => {
      standIn.compilationErrors = [{ path: "definitions/staging/stg_sales.sqlx", message: "ref(\"nope\") could not be resolved" }];
      const output = new RecordingOutput();
      await assert.rejects(runCompile({ config, settings: resolveCompileSettings(config, { repository: "ecommerce" }, {}), output }), (error: unknown) => {
        assert.ok(error instanceof GoogleCompilationError);
        assert.equal(
          error.message,
          `Google's compilation of main (main at ${STAND_IN_COMMIT.slice(0, 12)} with @dataform/core 3.0.62 (compilationResults/stand-in-1)) failed with 1 error: definitions/staging/stg_sales.sqlx: ref("nope") could not be resolved.`
        );
        return true;
      });
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
        serviceAccount: RUNNER,
        resume: false,
      });
    });

    it("refuses to schedule without a service account, before any request, naming where to set one", async () => {
      const output = new RecordingOutput();
      const noAccount = { ...config };
      delete noAccount.serviceAccount;
      assert.throws(() => resolveScheduleSettings(noAccount, { repository: "ecommerce" }, {}), (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.equal(
          error.message,
          "No service account is named for the scheduled runs: Dataform runs workflows as a custom service account (strict act-as mode). " +
            "Create one (gcloud iam service-accounts create dataform-runner --project=shop-analytics), grant the roles `ecom gcp setup --service-account EMAIL` prints, " +
            "then name it with --service-account EMAIL, ECOM_DATAFORM_SERVICE_ACCOUNT, or the var dataform_service_account in workflow_settings.yaml."
        );
        return true;
      });
      assert.equal(output.text, "");
      assert.deepEqual(standIn.requests, []);
      assert.equal(resolveScheduleSettings(noAccount, { repository: "ecommerce", serviceAccount: "other@shop-analytics.iam.gserviceaccount.com" }, {}).serviceAccount, "other@shop-analytics.iam.gserviceaccount.com");
    });

    it("refuses a missing repository, bad crons, a bad time zone and a bad service account, naming the option", () => {
      assert.throws(() => resolveScheduleSettings(config, {}, {}), /--repository ID or set ECOM_DATAFORM_REPOSITORY/);
      assert.throws(() => settings({ cron: "every day" }), /^UsageError: --cron "every day" is not a cron expression: 2 fields instead of five/);
      assert.throws(() => settings({ cron: "0 24 * * *" }), /--cron "0 24 \* \* \*" is not a cron expression: the hour "24" is not 0-23/);
      assert.throws(() => settings({ cron: "0 6 * 13 *" }), /the month "13" is not 1-12/);
      assert.throws(() => settings({ cron: "*/0 6 * * *" }), /the minute step in "\*\/0" is not a positive number/);
      assert.throws(() => settings({ cron: "0 9-5 * * *" }), /the hour range "9-5" runs backwards/);
      assert.throws(() => settings({ timeZone: "Mars/Olympus" }), /--time-zone "Mars\/Olympus" is not a time zone/);
      assert.throws(() => settings({ serviceAccount: "runner" }), /--service-account "runner" is not a service account email/);
      assert.throws(() => settings({ repository: "a/b" }), /--repository "a\/b" is not a Dataform resource id/);
    });

    it("takes crons with names, lists, ranges and steps", () => {
      assert.equal(settings({ cron: "0,30 6-18/2 * JAN-MAR mon-fri" }).cron, "0,30 6-18/2 * JAN-MAR mon-fri");
      assert.equal(settings({ releaseCron: "15 * * * *" }).releaseCron, "15 * * * *");
    });

    it("refuses a release cron more often than hourly, which Dataform does not allow", () => {
      for (const cron of ["*/30 * * * *", "0,30 5 * * *", "* 5 * * *", "0-5 5 * * *"]) {
        assert.throws(() => settings({ releaseCron: cron }), new RegExp(`--release-cron "${cron.replace(/[*]/g, "\\*")}" compiles more than once an hour`));
      }
    });

    it("warns when a daily time does not exist or happens twice in the time zone", () => {
      const from = new Date(Date.UTC(2024, 0, 1));
      assert.equal(daylightSavingClash("Europe/London", 90, from), "on 2024-03-31 that time does not exist (clocks go forward), so the run may be skipped");
      assert.equal(daylightSavingClash("America/New_York", 90, new Date(Date.UTC(2024, 5, 1))), "on 2024-11-03 that time happens twice (clocks go back), so the run may happen twice");
      assert.equal(daylightSavingClash("Europe/London", 6 * 60, from), undefined);
      assert.equal(daylightSavingClash("Etc/UTC", 90, from), undefined);
      const warnings = scheduleWarnings(settings({ cron: "30 1 * * *", releaseCron: "0 0 * * *", timeZone: "Europe/London" }), [], from);
      assert.deepEqual(warnings, [
        '--cron "30 1 * * *" in Europe/London: on 2024-03-31 that time does not exist (clocks go forward), so the run may be skipped. Pick a time outside the change (e.g. after 04:00), or use Etc/UTC.',
      ]);
    });

    it("maps BigQuery multi-regions to a Dataform region and keeps regions", () => {
      assert.equal(dataformRegionFor("US"), "us-central1");
      assert.equal(dataformRegionFor("EU"), "europe-west1");
      assert.equal(dataformRegionFor("europe-west2"), "europe-west2");
      assert.equal(settings({ region: "us-east4" }).region, "us-east4");
    });

    it("drops the compile schedule with --release-cron none, and says how runs then get a compilation", async () => {
      assert.equal(settings({ releaseCron: "none" }).releaseCron, undefined);
      const { output } = await schedule({ releaseCron: "none" }, true);
      assert.match(output.text, /no compile schedule/);
      assert.match(output.text, /warning: the release config has no compile schedule/);
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
