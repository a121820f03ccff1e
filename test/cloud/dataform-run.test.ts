import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Writable } from "node:stream";
import {
  bigQueryVars,
  checkCredentialsFile,
  dataformCliPath,
  dataformRunArgs,
  runDataform,
} from "../../scripts/cloud/dataform-run";
import { DATASETS, type ProjectConfig } from "../../scripts/config";
import { UsageError } from "../../scripts/errors";
import { makeTempDir } from "../support/temp";

/** A stand-in for the Dataform CLI: prints its arguments and directory, then, a moment later, more; exits 3. */
const FAKE_CLI = `
process.stdout.write(JSON.stringify({ args: process.argv.slice(2), cwd: process.cwd() }) + "\\n");
process.stderr.write("warning from the fake CLI\\n");
setTimeout(() => {
  process.stdout.write("done\\n");
  process.exit(Number(process.env.FAKE_EXIT_CODE ?? 3));
}, 400);
`;

/** A stream that keeps what it is given and when. */
class Collector extends Writable {
  readonly chunks: { at: number; text: string }[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push({ at: Date.now(), text: chunk.toString("utf8") });
    done();
  }
  get text(): string {
    return this.chunks.map((chunk) => chunk.text).join("");
  }
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
      ["--actions", { projectDir: "/p", actions: ["ecommerce_dwh.fact_sales", "dim_*"] }, ["--actions", "ecommerce_dwh.fact_sales", "dim_*"]],
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
      const exitCode = await runDataform({ projectDir, tags: ["dwh"], includeDeps: true, dryRun: true }, { cliPath: fakeCli, stdout, stderr });
      const finished = Date.now();
      assert.equal(exitCode, 3);
      const [first] = stdout.text.split("\n");
      assert.deepEqual(JSON.parse(first ?? ""), { args: ["run", projectDir, "--tags", "dwh", "--include-deps", "--dry-run"], cwd: fs.realpathSync(projectDir) });
      assert.match(stdout.text, /\ndone\n$/);
      assert.equal(stderr.text, "warning from the fake CLI\n");
      // Streamed: the first line arrived while the CLI was still running, not all at the end.
      assert.ok(finished - (stdout.chunks[0]?.at ?? finished) >= 250, "the first output came before the CLI exited");
    });

    it("returns 0 when the CLI succeeds", async () => {
      const exitCode = await runDataform({ projectDir }, { cliPath: fakeCli, stdout: new Collector(), stderr: new Collector(), env: { ...process.env, FAKE_EXIT_CODE: "0" } });
      assert.equal(exitCode, 0);
    });

    it("finds the installed Dataform CLI", () => {
      assert.match(dataformCliPath(), /@dataform[\\/]cli[\\/]bundle\.js$/);
    });
  });
});
