import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../scripts/cli/main";
import { RecordingOutput } from "../../scripts/output";
import type { RunReportFile } from "../../scripts/runner/run-report";
import type { Row } from "../../scripts/warehouse/duckdb";
import { copyFixtureProject } from "../support/fixture-project";
import { queryWarehouse } from "../support/warehouse";
import { makeTempDir } from "../support/temp";

/*
 * test/fixtures/runner-project: a Dataform project of its own with every kind of action (table, view,
 * incremental with and without a unique key, protected incremental, operations with and without
 * output, built-in and standalone assertions, a declaration, a disabled table, a unit test) and
 * pre/post operations. Expected tables are worked out by hand from the source rows below.
 */
const ASSERTION = {
  rowConditions: "fixture_assertions.fixture_events_clean_assertions_rowConditions",
  uniqueKey: "fixture_assertions.fixture_events_clean_assertions_uniqueKey_0",
  kindsAreKnown: "fixture_assertions.kinds_are_known",
};
const ALL_ACTIONS_IN_ORDER = [
  "fixture.audit",
  "fixture.events_clean",
  "fixture.events_by_kind",
  "fixture.events_log",
  "fixture.events_protected",
  "fixture.events_view",
  "fixture.note_run",
  ASSERTION.rowConditions,
  ASSERTION.uniqueKey,
  ASSERTION.kindsAreKnown,
  "fixture.events_summary",
];

describe("the local runner on a fixture Dataform project", function () {
  this.timeout(120_000);
  const temp = makeTempDir("ecom-runner-fixture");
  const projectDir = copyFixtureProject("runner-project", temp.dir);
  // Named like the project's schema on purpose: DuckDB calls the database "fixture" too.
  const db = path.join(temp.dir, "fixture.duckdb");

  async function ecom(...args: string[]): Promise<{ exitCode: number; output: RecordingOutput; report: RunReportFile }> {
    const output = new RecordingOutput();
    const warehouseArgs = args[0] === "test" ? [] : ["--db", db];
    const exitCode = await main(["node", "ecom", ...args, "--project-dir", projectDir, ...warehouseArgs], output);
    const reportFile = `${db}.last-run.json`;
    const report = fs.existsSync(reportFile) ? (JSON.parse(fs.readFileSync(reportFile, "utf8")) as RunReportFile) : ({} as RunReportFile);
    return { exitCode, output, report };
  }
  const query = (sql: string): Promise<Row[]> => queryWarehouse(db, sql);
  const statuses = (report: RunReportFile) => report.actions.map((action) => [action.name, action.status]);
  const modes = (report: RunReportFile) =>
    Object.fromEntries(report.actions.filter((action) => action.mode).map((action) => [action.name, action.mode]));

  before(async () => {
    await query(`CREATE SCHEMA source;
      CREATE TABLE source.events AS SELECT * FROM (VALUES
        (1, 'click', 5, TIMESTAMP '2026-01-01 10:00:00'),
        (2, 'view', 3, TIMESTAMP '2026-01-01 11:00:00'),
        (3, 'click', 2, TIMESTAMP '2026-01-02 09:00:00'),
        (4, 'buy', 10, TIMESTAMP '2026-01-02 12:00:00')) AS t(id, kind, amount, updated_at)`);
  });
  after(() => temp.remove());

  it("runs every action in dependency order, leaving the disabled one out", async () => {
    const { exitCode, output, report } = await ecom("run");
    assert.equal(exitCode, 0, output.text);
    assert.deepEqual(statuses(report), ALL_ACTIONS_IN_ORDER.map((name) => [name, "succeeded"]));
    assert.deepEqual(modes(report), { "fixture.events_by_kind": "full", "fixture.events_log": "full", "fixture.events_protected": "full" });
    assert.equal(report.compile.cached, false);
    assert.match(output.text, /Compiled the Dataform project/);
  });

  it("builds tables, views and incremental tables from the source, with pre- and post-operations in order", async () => {
    assert.deepEqual(await query("SELECT id, kind, amount FROM fixture.fixture.events_clean ORDER BY id"), [
      { id: 1, kind: "CLICK", amount: 5 },
      { id: 2, kind: "VIEW", amount: 3 },
      { id: 3, kind: "CLICK", amount: 2 },
      { id: 4, kind: "BUY", amount: 10 },
    ]);
    assert.deepEqual(await query("SELECT kind, events FROM fixture.fixture.events_view ORDER BY kind"), [
      { kind: "BUY", events: "1" },
      { kind: "CLICK", events: "2" },
      { kind: "VIEW", events: "1" },
    ]);
    assert.deepEqual(await query("SELECT kind, total FROM fixture.fixture.events_by_kind ORDER BY kind"), [
      { kind: "BUY", total: "10" },
      { kind: "CLICK", total: "7" },
      { kind: "VIEW", total: "3" },
    ]);
    assert.deepEqual(await query("SELECT COUNT(*) AS n FROM fixture.fixture.events_log"), [{ n: "4" }]);
    assert.deepEqual(await query("SELECT events, amount FROM fixture.fixture.events_summary"), [{ events: "4", amount: "20" }]);
    // The operation depends only on the audit table, so it may run beside the chain it writes
    // beside: the chain's steps are in dependency order, the operation's anywhere after the table.
    const steps = (await query("SELECT step FROM fixture.fixture.audit")).map((row) => row.step);
    assert.deepEqual(steps.filter((step) => step !== "note_run"), ["events_clean pre", "events_clean post", "events_by_kind full pre"]);
    assert.equal(steps.filter((step) => step === "note_run").length, 1);
    assert.deepEqual(await query("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = 'disabled_table'"), [{ n: "0" }]);
  });

  it("reuses the compiled graph when nothing changed, and says so in its output and report", async () => {
    const { exitCode, output, report } = await ecom("run", "--actions", "events_view");
    assert.equal(exitCode, 0);
    assert.equal(report.compile.cached, true);
    assert.match(output.text, /Compiled graph unchanged since the last compile: reused it/);
  });

  it("merges on the unique key, appends without one, and merges into a protected table", async () => {
    await query(`INSERT INTO source.events VALUES (5, 'view', 4, TIMESTAMP '2026-01-03 08:00:00');
                 UPDATE source.events SET amount = 6, updated_at = TIMESTAMP '2026-01-03 09:00:00' WHERE id = 1`);
    const { exitCode, report } = await ecom("run");
    assert.equal(exitCode, 0);
    assert.deepEqual(modes(report), {
      "fixture.events_by_kind": "incremental",
      "fixture.events_log": "incremental",
      "fixture.events_protected": "incremental",
    });
    // CLICK and VIEW changed after the newest row already merged (2026-01-02 12:00); BUY did not.
    assert.deepEqual(await query("SELECT kind, total FROM fixture.fixture.events_by_kind ORDER BY kind"), [
      { kind: "BUY", total: "10" },
      { kind: "CLICK", total: "8" },
      { kind: "VIEW", total: "7" },
    ]);
    // No key: the rows newer than the newest present are appended (event 1 again, with its new time).
    assert.deepEqual(await query("SELECT id FROM fixture.fixture.events_log ORDER BY id, updated_at"), [1, 1, 2, 3, 4, 5].map((id) => ({ id })));
    assert.deepEqual(await query("SELECT id, amount FROM fixture.fixture.events_protected ORDER BY id"), [
      { id: 1, amount: 6 },
      { id: 2, amount: 3 },
      { id: 3, amount: 2 },
      { id: 4, amount: 10 },
      { id: 5, amount: 4 },
    ]);
    assert.equal((await query("SELECT step FROM fixture.fixture.audit WHERE step LIKE 'events_by_kind%'")).pop()?.step, "events_by_kind incremental pre");
  });

  it("rebuilds incremental tables with --full-refresh, except the protected one", async () => {
    const { exitCode, report } = await ecom("run", "--full-refresh");
    assert.equal(exitCode, 0);
    assert.deepEqual(modes(report), {
      "fixture.events_by_kind": "full",
      "fixture.events_log": "full",
      "fixture.events_protected": "incremental",
    });
    assert.deepEqual(await query("SELECT COUNT(*) AS n FROM fixture.fixture.events_log"), [{ n: "5" }]);
  });

  describe("selecting actions", () => {
    const ran = async (...args: string[]) => {
      const { exitCode, report } = await ecom("run", ...args);
      assert.equal(exitCode, 0);
      return report.actions.map((action) => action.name);
    };

    it("by bare name, alone", async () => {
      assert.deepEqual(await ran("--actions", "events_view"), ["fixture.events_view"]);
    });

    it("by pattern, with the glob rule of --source: `*` within a name, `{a,b}` listing names", async () => {
      assert.deepEqual(await ran("--actions", "fixture.events_v*"), ["fixture.events_view"]);
      assert.deepEqual(await ran("--actions", "events_{view,clean}"), ["fixture.events_clean", "fixture.events_view", ASSERTION.rowConditions, ASSERTION.uniqueKey]);
    });

    it("by schema.name, with the action's built-in assertions", async () => {
      assert.deepEqual(await ran("--actions", "fixture.events_clean"), ["fixture.events_clean", ASSERTION.rowConditions, ASSERTION.uniqueKey]);
    });

    it("refuses a tag no action has, as a usage error naming the tags there are", async () => {
      const { exitCode, output } = await ecom("run", "--tags", "nosuchtag");
      assert.equal(exitCode, 2);
      assert.match(output.text, /^error: --tags nosuchtag: no action in the graph has this tag\. Tags in the graph: [a-z_, ]*daily[a-z_, ]*weekly[a-z_, ]*\.$/m);
    });

    it("by tag", async () => {
      assert.deepEqual(await ran("--tags", "weekly"), ["fixture.note_run"]);
      assert.deepEqual(await ran("--tags", "daily"), [
        "fixture.events_clean",
        "fixture.events_view",
        ASSERTION.rowConditions,
        ASSERTION.uniqueKey,
        ASSERTION.kindsAreKnown,
      ]);
    });

    it("with their dependencies", async () => {
      assert.deepEqual(await ran("--actions", "events_view", "--include-deps"), [
        "fixture.audit",
        "fixture.events_clean",
        "fixture.events_view",
        ASSERTION.rowConditions,
        ASSERTION.uniqueKey,
      ]);
    });

    it("with their dependents", async () => {
      assert.deepEqual(await ran("--actions", "audit", "--include-dependents"), ALL_ACTIONS_IN_ORDER);
    });

    it("refusing a name that is not in the graph", async () => {
      const { exitCode, output } = await ecom("run", "--actions", "events_vue");
      assert.equal(exitCode, 2);
      assert.match(output.text, /--actions events_vue: no such action in the graph/);
    });
  });

  it("passes vars to the compile", async () => {
    const { exitCode } = await ecom("run", "--actions", "events_clean", "--vars", "min_amount=5");
    assert.equal(exitCode, 0);
    assert.deepEqual(await query("SELECT id FROM fixture.fixture.events_clean ORDER BY id"), [{ id: 1 }, { id: 4 }]);
  });

  it("fails a run whose assertion finds rows: names it, shows the rows, skips its dependents, runs the rest", async () => {
    await query("INSERT INTO source.events VALUES (2, 'view', 1, TIMESTAMP '2026-01-04 10:00:00')");
    const { exitCode, output, report } = await ecom("run");
    assert.equal(exitCode, 1);
    const byName = new Map(report.actions.map((action) => [action.name, action]));
    assert.equal(byName.get(ASSERTION.uniqueKey)?.status, "failed");
    assert.equal(byName.get("fixture.events_summary")?.status, "skipped");
    assert.equal(byName.get("fixture.events_summary")?.skippedBecause, ASSERTION.uniqueKey);
    assert.deepEqual(
      report.actions.filter((action) => action.status !== "succeeded").map((action) => action.name),
      [ASSERTION.uniqueKey, "fixture.events_summary"]
    );
    assert.equal(report.succeeded, false);
    assert.match(output.text, new RegExp(`assertion ${ASSERTION.uniqueKey} failed: 1 row\\(s\\)\\. First rows:\\n\\s+\\{"id":2,"index_row_count":"2"\\}`));
    assert.match(output.text, /Skipped: fixture\.events_summary/);
    // `ecom run` is no pipeline: it says what it is.
    assert.match(output.text, /^Run FAILED in /m);
    assert.doesNotMatch(output.text, /Pipeline/);
    await query("DELETE FROM source.events WHERE id = 2 AND updated_at = TIMESTAMP '2026-01-04 10:00:00'");
  });

  describe("unit tests", () => {
    const testFile = path.join(projectDir, "definitions", "tests", "events_clean_upper_cases_kinds.sqlx");
    const original = fs.readFileSync(testFile, "utf8");
    afterEach(() => fs.writeFileSync(testFile, original));

    it("pass with `ecom test`", async () => {
      const { exitCode, output } = await ecom("test");
      assert.equal(exitCode, 0, output.text);
      assert.deepEqual(output.lines, ["passed  events_clean_upper_cases_kinds", "1 passed, 0 failed"]);
    });

    it("fail with a row-by-row difference when an expectation is wrong", async () => {
      fs.writeFileSync(testFile, original.replace("2, 'BUY', 7", "2, 'SELL', 7"));
      const { exitCode, output } = await ecom("test");
      assert.equal(exitCode, 1);
      assert.deepEqual(output.lines, [
        "FAILED  events_clean_upper_cases_kinds",
        '    - expected, not produced: amount=7, id=2, kind="SELL", updated_at="2026-01-02 00:00:00"',
        '    + produced, not expected: amount=7, id=2, kind="BUY", updated_at="2026-01-02 00:00:00"',
        "0 passed, 1 failed",
      ]);
    });

    it("stop `ecom run --run-tests` before anything runs when one fails", async () => {
      fs.writeFileSync(testFile, original.replace("2, 'BUY', 7", "2, 'SELL', 7"));
      const { exitCode, output, report } = await ecom("run", "--run-tests");
      assert.equal(exitCode, 1);
      assert.deepEqual(report.actions, []);
      assert.equal(report.tests?.[0]?.passed, false);
      assert.match(output.text, /A unit test failed: nothing was run\./);
    });
  });
});
