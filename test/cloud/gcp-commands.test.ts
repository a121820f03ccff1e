import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { main } from "../../scripts/cli/main";
import { RecordingOutput } from "../../scripts/output";
import { PROJECT_ROOT } from "../../scripts/paths";
import { copyFixtureProject } from "../support/fixture-project";
import { makeTempDir } from "../support/temp";

/** The Google Cloud commands' own checks, which run before any request. */
describe("ecom gcp and pipeline --warehouse bigquery, before any request", function () {
  this.timeout(30_000);
  const temp = makeTempDir("ecom-gcp-cli");
  const savedEnv = { ...process.env };
  const projectDir = copyFixtureProject("runner-project", temp.dir);
  const ecom = async (...args: string[]) => {
    const output = new RecordingOutput();
    return { exitCode: await main(["node", "ecom", ...args], output), text: output.text };
  };
  before(() => {
    delete process.env.ECOM_GCP_PROJECT;
    delete process.env.ECOM_DATAFORM_REPOSITORY;
    delete process.env.ECOM_DATAFORM_SERVICE_ACCOUNT;
    delete process.env.ECOM_GCP_API_ENDPOINT;
  });
  after(() => {
    process.env = savedEnv;
    temp.remove();
  });

  it("gcp setup refuses the placeholder project of workflow_settings.yaml, saying where to set one", async () => {
    const { exitCode, text } = await ecom("gcp", "setup", "--dry-run");
    assert.equal(exitCode, 2);
    assert.match(text, /No Google Cloud project is configured \(got "your-gcp-project"\)/);
  });

  it("gcp schedule asks for the Dataform repository", async () => {
    const { exitCode, text } = await ecom("gcp", "schedule", "--project", "shop-analytics", "--dry-run");
    assert.equal(exitCode, 2);
    assert.match(text, /No Dataform repository is named: pass --repository ID or set ECOM_DATAFORM_REPOSITORY/);
  });

  it("gcp schedule refuses to run without a service account, naming where to set one, before any request", async () => {
    // No ECOM_GCP_API_ENDPOINT and no credentials here: a request would fail differently.
    const { exitCode, text } = await ecom("gcp", "schedule", "--project", "shop-analytics", "--bucket", "shop-raw", "--repository", "ecommerce");
    assert.equal(exitCode, 2);
    assert.match(text, /^error: No service account is named for the scheduled runs: .*--service-account EMAIL, ECOM_DATAFORM_SERVICE_ACCOUNT, or the var dataform_service_account in workflow_settings\.yaml\.$/);
  });

  it("pipeline --warehouse bigquery needs the exports to load", async () => {
    const { exitCode, text } = await ecom("pipeline", "--warehouse", "bigquery", "--project-dir", projectDir);
    assert.equal(exitCode, 2);
    assert.match(text, /--warehouse bigquery needs --source gs:\/\/BUCKET\/PREFIX\/\*\.csv/);
  });

  it("pipeline --warehouse bigquery needs .df-credentials.json, and says how to make it", async () => {
    const { exitCode, text } = await ecom("pipeline", "--warehouse", "bigquery", "--project-dir", projectDir, "--source", "gs://shop-raw/raw_sales/*.csv");
    assert.equal(exitCode, 2);
    assert.match(text, /\.df-credentials\.json is missing, and `dataform run` needs it to reach BigQuery.*npx dataform init-creds/s);
  });

  it("pipeline --warehouse bigquery refuses local files, even in a dry run", async () => {
    fs.writeFileSync(path.join(projectDir, ".df-credentials.json"), JSON.stringify({ projectId: "shop-analytics", location: "US" }));
    const local = path.join(temp.dir, "local.csv");
    fs.writeFileSync(local, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n");
    const { exitCode, text } = await ecom("pipeline", "--warehouse", "bigquery", "--dry-run", "--project-dir", projectDir, "--source", local);
    assert.equal(exitCode, 2);
    assert.match(text, /--warehouse bigquery loads from Cloud Storage only/);
  });
});

/**
 * Every `ecom gcp` command run as a user would, through bin/ecom.js in a process of its own (so an
 * unhandled rejection or a stack trace would show), on a machine with no Google credentials, or with
 * an API endpoint nothing listens on: one line on stderr saying what to do, exit 1, nothing sent
 * beyond loopback (a preloaded guard refuses and logs any other connection).
 */
describe("ecom gcp commands with no credentials or no network", function () {
  this.timeout(120_000);
  const temp = makeTempDir("ecom-gcp-offline");
  const foreignLog = path.join(temp.dir, "foreign-connections.log");
  let closedPort = 0;

  before(async () => {
    // A port that was free a moment ago and has no listener: connections to it are refused.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    closedPort = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });
  after(() => temp.remove());

  const COMMANDS = [
    ["gcp", "setup", "--dry-run"],
    ["gcp", "schedule", "--dry-run"],
    ["gcp", "schedule"],
    ["gcp", "compile"],
  ];

  function ecomOffline(args: string[], extraEnv: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? "",
      HOME: temp.dir,
      // No gcloud configuration, no application-default credentials, no metadata server to probe.
      CLOUDSDK_CONFIG: path.join(temp.dir, "gcloud"),
      METADATA_SERVER_DETECTION: "none",
      GCE_METADATA_HOST: `127.0.0.1:${closedPort}`,
      GCE_METADATA_IP: `127.0.0.1:${closedPort}`,
      ECOM_GCP_PROJECT: "shop-analytics",
      ECOM_LOCATION: "EU",
      ECOM_GCS_BUCKET: "shop-raw",
      ECOM_DATAFORM_REPOSITORY: "ecommerce",
      ECOM_DATAFORM_SERVICE_ACCOUNT: "runner@shop-analytics.iam.gserviceaccount.com",
      ECOM_TEST_FOREIGN_LOG: foreignLog,
      NODE_OPTIONS: `--require ${path.join(PROJECT_ROOT, "test", "support", "loopback-only.js")}`,
      ...extraEnv,
    };
    const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "bin", "ecom.js"), ...args], { cwd: temp.dir, env, encoding: "utf8" });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /** stderr less the one-time build notice of a fresh clone's first command. */
  const errorLines = (stderr: string) => stderr.split("\n").filter((line) => line !== "" && !line.startsWith("ecom: first run, building"));

  for (const args of COMMANDS) {
    it(`${args.join(" ")} with no credentials: one line, sign in with gcloud, exit 1`, () => {
      const { status, stdout, stderr } = ecomOffline(args, {});
      assert.deepEqual(errorLines(stderr), [
        "error: Cannot sign in to Google Cloud: no Google Cloud credentials on this machine. To sign in, run `gcloud auth application-default login` " +
          "(or set GOOGLE_APPLICATION_CREDENTIALS to a service account key file), then run this again. Nothing was sent.",
      ]);
      assert.equal(status, 1);
      assert.equal(stdout, "");
      assert.equal(fs.existsSync(foreignLog) ? fs.readFileSync(foreignLog, "utf8") : "", "");
    });

    it(`${args.join(" ")} with the API unreachable: one line, check the network, exit 1`, () => {
      const { status, stderr } = ecomOffline(args, { ECOM_GCP_API_ENDPOINT: `http://127.0.0.1:${closedPort}` });
      const lines = errorLines(stderr);
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0] ?? "", /^error: Cannot (read|compile) .*: Google Cloud cannot be reached \(.*ECONNREFUSED.*\)\. Check the network connection \(or proxy\) and run this again\./);
      assert.doesNotMatch(stderr, /^\s+at /m);
      assert.equal(status, 1);
      assert.equal(fs.existsSync(foreignLog) ? fs.readFileSync(foreignLog, "utf8") : "", "");
    });
  }
});
