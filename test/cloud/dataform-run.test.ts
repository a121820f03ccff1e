import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Writable } from "node:stream";
import * as net from "node:net";
import { bigQueryVars, checkCredentialsFile, dataformRunArgs, runDataform } from "../../scripts/cloud/dataform-run";
import { dataformCliPath } from "../../scripts/dataform-cli";
import { DATASETS, type ProjectConfig } from "../../scripts/config";
import { UsageError } from "../../scripts/errors";
import { makeTempDir } from "../support/temp";

/**
 * A stand-in for the Dataform CLI: prints its arguments and directory, then waits for the test to
 * release it (a byte on the socket FAKE_RELEASE_SOCKET) before it prints more and exits 3.
 */
const FAKE_CLI = `
process.stdout.write(JSON.stringify({ args: process.argv.slice(2), cwd: process.cwd() }) + "\\n");
process.stderr.write("warning from the fake CLI\\n");
require("node:net").connect(process.env.FAKE_RELEASE_SOCKET).once("data", () => {
  process.stdout.write("done\\n");
  process.exit(Number(process.env.FAKE_EXIT_CODE ?? 3));
});
`;

/** A stream that keeps what it is given, and says when the first chunk came. */
class Collector extends Writable {
  readonly chunks: string[] = [];
  readonly firstChunk = new Promise<void>((resolve) => this.once("first-chunk", resolve));
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk.toString("utf8"));
    if (this.chunks.length === 1) this.emit("first-chunk");
    done();
  }
  get text(): string {
    return this.chunks.join("");
  }
}

/**
 * Releases the fake CLI once `released` settles: the CLI cannot finish before, so what the caller
 * saw by then was streamed, not handed over at exit. Gives the env that points the CLI here.
 */
async function releasingServer(socketPath: string, released: Promise<void>): Promise<{ env: NodeJS.ProcessEnv; close: () => void }> {
  const server = net.createServer((connection) => void released.then(() => connection.end("go")));
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { env: { ...process.env, FAKE_RELEASE_SOCKET: socketPath }, close: () => server.close() };
}

describe("dataform run on BigQuery (scripts/cloud/dataform-run)", () => {
  const temp = makeTempDir("ecom-dataform-run");
  const projectDir = path.join(temp.dir, "project");
  const fakeCli = path.join(temp.dir, "fake-dataform.js");
  const config: ProjectConfig = { projectId: "shop-analytics", location: "EU", bucket: "shop-raw", prefix: "raw_sales/", datasets: DATASETS };

  before(() => {
    fs.mkdirSync(projectDir);
    fs.writeFileSync(fakeCli, FAKE_CLI);
  });
  after(() => temp.remove());
  beforeEach(() => fs.writeFileSync(path.join(projectDir, ".df-credentials.json"), JSON.stringify({ projectId: "shop-analytics", location: "EU" })));

  describe("dataformRunArgs", () => {
    it("is `run <projectDir>` with no options", () => {
      assert.deepEqual(dataformRunArgs({ projectDir: "/p" }), ["run", "/p"]);
    });

    const cases: [string, Parameters<typeof dataformRunArgs>[0], string[]][] = [
      ["--actions", { projectDir: "/p", actions: [`${DATASETS.dwh}.fact_sales`, "dim_*"] }, ["--actions", `${DATASETS.dwh}.fact_sales`, "dim_*"]],
      ["--tags", { projectDir: "/p", tags: ["staging", "dwh"] }, ["--tags", "staging", "dwh"]],
      ["--include-deps", { projectDir: "/p", includeDeps: true }, ["--include-deps"]],
      ["--include-dependents", { projectDir: "/p", includeDependents: true }, ["--include-dependents"]],
      ["--full-refresh", { projectDir: "/p", fullRefresh: true }, ["--full-refresh"]],
      ["--run-tests", { projectDir: "/p", runTests: true }, ["--run-tests"]],
      ["--vars", { projectDir: "/p", vars: { top_n: "5", rfm_as_of: "2011-12-10" } }, ["--vars=rfm_as_of=2011-12-10,top_n=5"]],
      ["--default-database", { projectDir: "/p", defaultDatabase: "shop-analytics" }, ["--default-database=shop-analytics"]],
      ["--default-location", { projectDir: "/p", defaultLocation: "EU" }, ["--default-location=EU"]],
      ["--dry-run", { projectDir: "/p", dryRun: true }, ["--dry-run"]],
    ];
    for (const [flag, options, expected] of cases) {
      it(`passes ${flag}`, () => {
        assert.deepEqual(dataformRunArgs(options), ["run", "/p", ...expected]);
      });
    }

    it("leaves out false flags and empty lists", () => {
      const options = { projectDir: "/p", actions: [], tags: [], includeDeps: false, includeDependents: false, fullRefresh: false, dryRun: false, vars: {} };
      assert.deepEqual(dataformRunArgs(options), ["run", "/p"]);
    });

    it("puts every flag together in one fixed order", () => {
      assert.deepEqual(
        dataformRunArgs({
          projectDir: "/p",
          actions: ["fact_sales"],
          tags: ["dwh"],
          includeDeps: true,
          includeDependents: true,
          fullRefresh: true,
          runTests: true,
          vars: bigQueryVars(config, { top_n: "5" }),
          defaultDatabase: "shop-analytics",
          defaultLocation: "EU",
          dryRun: true,
        }),
        [
          "run",
          "/p",
          "--actions",
          "fact_sales",
          "--tags",
          "dwh",
          "--include-deps",
          "--include-dependents",
          "--full-refresh",
          "--run-tests",
          "--vars=dialect=bigquery,gcs_bucket=shop-raw,gcs_prefix=raw_sales/,top_n=5",
          "--default-database=shop-analytics",
          "--default-location=EU",
          "--dry-run",
        ]
      );
    });

    it("refuses a var value the CLI's syntax cannot carry", () => {
      assert.throws(() => dataformRunArgs({ projectDir: "/p", vars: { note: "a,b" } }), UsageError);
    });
  });

  describe("bigQueryVars", () => {
    it("sets the bigquery dialect and the configured bucket and prefix; explicit vars win", () => {
      assert.deepEqual(bigQueryVars(config), { dialect: "bigquery", gcs_bucket: "shop-raw", gcs_prefix: "raw_sales/" });
      assert.deepEqual(bigQueryVars(config, { gcs_prefix: "exports/", top_n: "5" }), { dialect: "bigquery", gcs_bucket: "shop-raw", gcs_prefix: "exports/", top_n: "5" });
      assert.deepEqual(bigQueryVars({ ...config, bucket: "", prefix: "" }), { dialect: "bigquery" });
    });

    it("refuses the duckdb dialect", () => {
      assert.throws(() => bigQueryVars(config, { dialect: "duckdb" }), /dialect=duckdb cannot run on BigQuery/);
    });
  });

  describe("credentials", () => {
    it("refuses a project without .df-credentials.json, saying to run `npx dataform init-creds` and what it writes", () => {
      fs.rmSync(path.join(projectDir, ".df-credentials.json"));
      assert.throws(() => checkCredentialsFile(projectDir), (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.match(error.message, /\.df-credentials\.json is missing/);
        assert.match(error.message, /npx dataform init-creds/);
        assert.match(error.message, /Application Default Credentials/);
        assert.match(error.message, /git-ignored/);
        return true;
      });
    });

    it("refuses a credentials file that is not JSON", () => {
      fs.writeFileSync(path.join(projectDir, ".df-credentials.json"), "{ not json");
      assert.throws(() => checkCredentialsFile(projectDir), /not valid JSON: delete it and run `npx dataform init-creds` again/);
    });

    it("runs nothing when the file is missing", async () => {
      fs.rmSync(path.join(projectDir, ".df-credentials.json"));
      const stdout = new Collector();
      await assert.rejects(runDataform({ projectDir }, { cliPath: fakeCli, stdout, stderr: new Collector() }), UsageError);
      assert.equal(stdout.text, "");
    });
  });

  describe("runDataform", () => {
    it("runs `node <cli> run <dir> ...` in the project directory, streams stdout and stderr as they come, and returns the exit code", async () => {
      const stdout = new Collector();
      const stderr = new Collector();
      // Released only once its first line has reached us: were output passed on at exit, this would never end.
      const release = await releasingServer(path.join(temp.dir, "release-streamed.sock"), stdout.firstChunk);
      try {
        const exitCode = await runDataform({ projectDir, tags: ["dwh"], includeDeps: true, dryRun: true }, { cliPath: fakeCli, stdout, stderr, env: release.env });
        assert.equal(exitCode, 3);
        const [first] = stdout.text.split("\n");
        assert.deepEqual(JSON.parse(first ?? ""), { args: ["run", projectDir, "--tags", "dwh", "--include-deps", "--dry-run"], cwd: fs.realpathSync(projectDir) });
        assert.match(stdout.text, /\ndone\n$/);
        assert.equal(stderr.text, "warning from the fake CLI\n");
      } finally {
        release.close();
      }
    });

    it("returns 0 when the CLI succeeds", async () => {
      const release = await releasingServer(path.join(temp.dir, "release-success.sock"), Promise.resolve());
      try {
        const exitCode = await runDataform({ projectDir }, { cliPath: fakeCli, stdout: new Collector(), stderr: new Collector(), env: { ...release.env, FAKE_EXIT_CODE: "0" } });
        assert.equal(exitCode, 0);
      } finally {
        release.close();
      }
    });

    it("finds the installed Dataform CLI", () => {
      assert.match(dataformCliPath(), /@dataform[\\/]cli[\\/]bundle\.js$/);
    });
  });
});
