import { strict as assert } from "node:assert";
import { compileProject } from "../../scripts/dataform/compile";
import type { CompiledGraph, CompiledTable, Target } from "../../scripts/dataform/compiled-graph";
import { PROJECT_ROOT } from "../../scripts/paths";
import { describeAction } from "../../scripts/describe-action";
import { planActions } from "../../scripts/runner/action-graph";
import { byDependentsFirst, concurrentActionsFromEnv, explainEngineError, runGraph, type ActionResult } from "../../scripts/runner/duckdb-runner";
import { toDuckDbSql } from "../../scripts/warehouse/duckdb";
import { compareRows, runUnitTests } from "../../scripts/runner/unit-tests";
import { DuckDbWarehouse } from "../../scripts/warehouse/duckdb";
import { makeTempDir } from "../support/temp";

const target = (schema: string, name: string): Target => ({ database: "project", schema, name });
const ref = (schema: string, name: string) => `\`project.${schema}.${name}\``;

function table(name: string, query: string, dependsOn: string[] = [], extra: Partial<CompiledTable> = {}): CompiledTable {
  return { type: "table", target: target("s", name), query, dependencyTargets: dependsOn.map((dependency) => target("s", dependency)), ...extra };
}

describe("translating compiled SQL for DuckDB", () => {
  it("turns BigQuery-quoted targets into DuckDB schema.table names and leaves the rest alone", () => {
    assert.equal(
      toDuckDbSql("SELECT 'a' FROM `my-project.ecommerce_dwh.fact_sales` JOIN `ecommerce_dwh.dim_dates` USING (date_key)", "warehouse"),
      `SELECT 'a' FROM "ecommerce_dwh"."fact_sales" JOIN "ecommerce_dwh"."dim_dates" USING (date_key)`
    );
  });

  it("qualifies a name with the database when its schema has the database's name", () => {
    assert.equal(toDuckDbSql("SELECT * FROM `p.fixture.events`", "fixture"), `SELECT * FROM "fixture"."fixture"."events"`);
  });
});

describe("planning actions", () => {
  it("orders actions after their dependencies, ties by name, and leaves disabled actions out", () => {
    const graph: CompiledGraph = {
      tables: [table("c", "SELECT 1", ["b"]), table("b", "SELECT 1", ["a"]), table("a", "SELECT 1"), table("z", "SELECT 1", [], { disabled: true })],
      assertions: [{ target: target("checks", "a_ok"), query: "SELECT 1 WHERE FALSE", dependencyTargets: [target("s", "a")] }],
      declarations: [{ target: target("raw", "source") }],
    };
    assert.deepEqual(
      planActions(graph).map((action) => action.name),
      ["s.a", "checks.a_ok", "s.b", "s.c"]
    );
  });

  it("starts, of the actions ready at once, the one more of the graph waits on (byDependentsFirst), ties in plan order", () => {
    // stage <- fact <- report; stage <- stage_check and fact <- fact_check (assertions nothing waits on).
    const graph: CompiledGraph = {
      tables: [table("stage", "SELECT 1"), table("fact", "SELECT 1", ["stage"]), table("report", "SELECT 1", ["fact"])],
      assertions: [
        { target: target("checks", "fact_check"), query: "SELECT 1 WHERE FALSE", dependencyTargets: [target("s", "fact")] },
        { target: target("checks", "stage_check"), query: "SELECT 1 WHERE FALSE", dependencyTargets: [target("s", "stage")] },
      ],
    };
    const plan = planActions(graph);
    assert.deepEqual(plan.map((action) => action.name), ["s.stage", "checks.stage_check", "s.fact", "checks.fact_check", "s.report"]);
    // Waited on by: stage 4 (fact, report, both checks), fact 2, the rest 0 (in plan order).
    assert.deepEqual(byDependentsFirst(plan).map((action) => action.name), ["s.stage", "s.fact", "checks.stage_check", "checks.fact_check", "s.report"]);
  });

  it("refuses a dependency cycle, naming the actions in it", () => {
    const graph: CompiledGraph = { tables: [table("a", "SELECT 1", ["b"]), table("b", "SELECT 1", ["a"])] };
    assert.throws(() => planActions(graph), /cycle among: s\.a, s\.b/);
  });
});

describe("running a graph on DuckDB", function () {
  this.timeout(30_000);
  let warehouse: DuckDbWarehouse;
  beforeEach(async () => {
    warehouse = await DuckDbWarehouse.open(":memory:");
  });
  afterEach(() => warehouse.close());

  it("builds tables and views in order, and an incremental table in full then by MERGE on its key", async () => {
    await warehouse.run("CREATE SCHEMA src; CREATE TABLE src.events AS SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(id, value)");
    const graph: CompiledGraph = {
      tables: [
        { type: "view", target: target("s", "events_view"), query: `SELECT * FROM \`project.src.events\`` },
        table("events_copy", `SELECT * FROM ${ref("s", "events_view")}`, ["events_view"]),
        {
          type: "incremental",
          target: target("s", "events_merged"),
          query: `SELECT id, value FROM ${ref("s", "events_view")}`,
          incrementalQuery: `SELECT id, value FROM ${ref("s", "events_view")} WHERE id >= 2`,
          uniqueKey: ["id"],
          dependencyTargets: [target("s", "events_view")],
        },
      ],
    };
    const first = await runGraph(warehouse, graph);
    assert.deepEqual(
      first.actions.map((action) => [action.name, action.status, action.rows, action.mode]),
      [
        ["s.events_view", "succeeded", undefined, undefined],
        ["s.events_copy", "succeeded", 2, undefined],
        ["s.events_merged", "succeeded", 2, "full"],
      ]
    );
    await warehouse.run("UPDATE src.events SET value = 'B' WHERE id = 2; INSERT INTO src.events VALUES (3, 'c')");
    const second = await runGraph(warehouse, graph);
    assert.equal(second.actions.find((action) => action.name === "s.events_merged")?.mode, "incremental");
    assert.deepEqual(await warehouse.query("SELECT id, value FROM s.events_merged ORDER BY id"), [
      { id: 1, value: "a" },
      { id: 2, value: "B" },
      { id: 3, value: "c" },
    ]);
    const refreshed = await runGraph(warehouse, graph, { fullRefresh: true });
    assert.equal(refreshed.actions.find((action) => action.name === "s.events_merged")?.mode, "full");
  });

  it("rebuilds in full, and says so, an incremental table that lacks columns its model has gained; refuses to when it is protected", async () => {
    // As built by an earlier version of the model: no `kind` column yet.
    await warehouse.run(`CREATE SCHEMA s; CREATE TABLE s.grown AS SELECT 1 AS id; CREATE TABLE s.kept AS SELECT 1 AS id`);
    const grown = (name: string, extra: Partial<CompiledTable> = {}): CompiledTable => ({
      type: "incremental",
      target: target("s", name),
      query: "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(id, kind)",
      // Reads the new column: merging into the old table would fail on it.
      incrementalPreOps: [`DELETE FROM ${ref("s", name)} WHERE kind = 'b'`],
      incrementalQuery: "SELECT * FROM (VALUES (2, 'b')) AS t(id, kind)",
      ...extra,
    });
    const report = await runGraph(warehouse, { tables: [grown("grown"), grown("kept", { protected: true })] });
    const [rebuilt, refused] = report.actions;
    assert.deepEqual([rebuilt?.status, rebuilt?.mode, rebuilt?.rebuiltForColumns], ["succeeded", "full", ["kind"]]);
    assert.deepEqual(await warehouse.query("SELECT id, kind FROM s.grown ORDER BY id"), [
      { id: 1, kind: "a" },
      { id: 2, kind: "b" },
    ]);
    assert.match(describeAction(rebuilt as ActionResult, 1, 2)[0] ?? "", /\(2 rows, rebuilt: the table lacked its model's new column\(s\) kind\)$/);
    assert.equal(refused?.status, "failed");
    assert.equal(
      refused?.error,
      "s.kept: the table lacks column(s) kind that its model now has, and it is protected, so it is not rebuilt: add them to the table, or drop it to rebuild it in full."
    );
    assert.deepEqual(await warehouse.query("SELECT * FROM s.kept"), [{ id: 1 }]);
    // Once built with the column, the next run merges as usual.
    const next = await runGraph(warehouse, { tables: [grown("grown")] });
    assert.deepEqual([next.actions[0]?.mode, next.actions[0]?.rebuiltForColumns], ["incremental", undefined]);
  });

  it("fails an assertion that returns rows, shows them, skips its dependents and runs independent actions", async () => {
    const graph: CompiledGraph = {
      tables: [
        table("orders", "SELECT * FROM (VALUES (1), (1), (2)) AS t(order_id)"),
        table("order_totals", `SELECT COUNT(*) AS orders FROM ${ref("s", "orders")}`, [], {
          dependencyTargets: [target("s", "orders"), target("checks", "orders_unique")],
        }),
        table("independent", "SELECT 1 AS one"),
      ],
      assertions: [
        {
          target: target("checks", "orders_unique"),
          query: `SELECT order_id, COUNT(*) AS copies FROM ${ref("s", "orders")} GROUP BY order_id HAVING COUNT(*) > 1`,
          dependencyTargets: [target("s", "orders")],
        },
      ],
    };
    const report = await runGraph(warehouse, graph);
    assert.equal(report.succeeded, false);
    const byName = new Map(report.actions.map((action) => [action.name, action]));
    assert.equal(byName.get("checks.orders_unique")?.status, "failed");
    assert.equal(byName.get("checks.orders_unique")?.rows, 1);
    assert.deepEqual(byName.get("checks.orders_unique")?.sample, [{ order_id: 1, copies: "2" }]);
    assert.equal(byName.get("s.order_totals")?.status, "skipped");
    assert.equal(byName.get("s.order_totals")?.skippedBecause, "checks.orders_unique");
    assert.equal(byName.get("s.independent")?.status, "succeeded");
    assert.equal(await warehouse.tableExists("s", "order_totals"), false);
  });

  it("reads the tables and views of its catalog in one look, names with dots and quotes kept apart", async () => {
    await warehouse.run(`CREATE SCHEMA "a.b"; CREATE SCHEMA a; CREATE TABLE "a.b"."c" (x INTEGER); CREATE VIEW a."b.c" AS SELECT 1 AS x; CREATE TABLE a."it's" (x INTEGER)`);
    const relations = await warehouse.relations();
    assert.equal(relations.has("a.b", "c"), true);
    assert.equal(relations.has("a", "b.c"), true);
    assert.equal(relations.has("a", "it's"), true);
    assert.equal(relations.has("a", "c"), false);
    assert.equal(relations.has("a.b", "b.c"), false);
    // One look: what is created afterwards is not in it.
    await warehouse.run(`CREATE TABLE a.later (x INTEGER)`);
    assert.equal(relations.has("a", "later"), false);
    assert.equal((await warehouse.relations()).has("a", "later"), true);
  });

  it("refuses to start when a declared source the graph reads is missing, naming it", async () => {
    const graph: CompiledGraph = {
      declarations: [{ target: target("raw", "events") }, { target: target("raw", "unused") }],
      tables: [table("copy", `SELECT * FROM ${ref("raw", "events")}`, [], { dependencyTargets: [target("raw", "events")] })],
    };
    await assert.rejects(runGraph(warehouse, graph), /The graph reads raw\.events, which is not in the warehouse :memory:\. Land the source data first/);
    assert.equal(await warehouse.tableExists("s", "copy"), false);
  });

  it("reports a failing statement with the action's name and leaves the previous table in place", async () => {
    const good: CompiledGraph = { tables: [table("t", "SELECT 1 AS x")] };
    await runGraph(warehouse, good);
    const broken: CompiledGraph = { tables: [table("t", "SELECT * FROM no_such_table")] };
    const report = await runGraph(warehouse, broken);
    assert.equal(report.actions[0]?.status, "failed");
    assert.match(report.actions[0]?.error ?? "", /^s\.t: .*no_such_table/s);
    assert.deepEqual(await warehouse.query("SELECT x FROM s.t"), [{ x: 1 }]);
  });

  describe("running independent actions at once", () => {
    // a and b are independent; c reads both, so it may start only once both have committed.
    const graph: CompiledGraph = {
      tables: [
        table("a", "SELECT 1 AS x"),
        table("b", "SELECT 2 AS x"),
        table("c", `SELECT SUM(x) AS total FROM (SELECT x FROM ${ref("s", "a")} UNION ALL SELECT x FROM ${ref("s", "b")})`, ["a", "b"]),
      ],
    };

    /**
     * Holds a's commit until b's work is done too (or `patience` ms pass), so a and b overlap only
     * if the runner really runs them at once; records the order the actions reach their commit.
     */
    function holdA(patience: number) {
      const reached: string[] = [];
      let bReached: () => void = () => undefined;
      const bIsDone = new Promise<void>((resolve) => (bReached = resolve));
      let overlapped = false;
      const beforeCommit = async (action: string) => {
        reached.push(action);
        if (action === "s.b") bReached();
        if (action === "s.a") {
          overlapped = await Promise.race([bIsDone.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), patience))]);
        }
      };
      return { beforeCommit, reached, overlapped: () => overlapped };
    }

    it("runs two at once by default: b does its work while a waits to commit, and c reads both once they have committed", async () => {
      const hold = holdA(10_000);
      const report = await runGraph(warehouse, graph, { beforeCommit: hold.beforeCommit });
      assert.equal(report.concurrentActions, 2);
      assert.equal(hold.overlapped(), true);
      // a and b in either order, c after both.
      assert.deepEqual([...hold.reached.slice(0, 2)].sort(), ["s.a", "s.b"]);
      assert.equal(hold.reached[2], "s.c");
      // In plan order, whatever order they finished in.
      assert.deepEqual(report.actions.map((action) => [action.name, action.status]), [["s.a", "succeeded"], ["s.b", "succeeded"], ["s.c", "succeeded"]]);
      assert.deepEqual(await warehouse.query("SELECT total FROM s.c"), [{ total: "3" }]);
    });

    describe("an action that runs out of memory", () => {
      // d is independent too: while b runs again alone, it must not start.
      const withD: CompiledGraph = { tables: [...(graph.tables ?? []), table("d", "SELECT 4 AS x")] };
      const outOfMemory = () => new Error("Out of Memory Error: could not allocate block of size 256.0 KiB (1.0 GiB/1.0 GiB used)\n\nPossible solutions: SET memory_limit");
      // DuckDB's thread count is the machine's unless set: two here, whatever the machine.
      beforeEach(() => warehouse.run("SET threads = 2"));
      afterEach(() => warehouse.run("RESET threads"));

      /**
       * b's first try fails for want of memory while a is held in its transaction, and every later
       * one too when `failAgain`; records each action reaching its commit, with DuckDB's thread count then.
       */
      function failB(failAgain = false) {
        const reached: string[] = [];
        let bFailed: () => void = () => undefined;
        const bHasFailed = new Promise<void>((resolve) => (bFailed = resolve));
        const beforeCommit = async (action: string) => {
          const entry = reached.push(action) - 1;
          reached[entry] = `${action} on ${await warehouse.threads()}`;
          // a commits a while after b's failure, once the runner has had time to take it in (b's
          // rollback): otherwise a worker freed by a could start d before the runner knows b failed.
          if (action === "s.a") await bHasFailed.then(() => new Promise((resolve) => setTimeout(resolve, 200)));
          if (action === "s.b" && (reached.filter((entry) => entry.startsWith("s.b ")).length === 1 || failAgain)) {
            bFailed();
            throw outOfMemory();
          }
        };
        return { beforeCommit, reached };
      }

      it("beside others: runs it again once they have finished, alone on one thread, starting nothing else meanwhile, and says so", async () => {
        const fault = failB();
        const report = await runGraph(warehouse, withD, { beforeCommit: fault.beforeCommit });
        // b failed beside a; a committed; b ran again on one thread with nothing else running; c and d after, on two again.
        assert.deepEqual([...fault.reached.slice(0, 2)].sort(), ["s.a on 2", "s.b on 2"]);
        assert.equal(fault.reached[2], "s.b on 1");
        assert.deepEqual([...fault.reached.slice(3)].sort(), ["s.c on 2", "s.d on 2"]);
        assert.deepEqual(
          report.actions.map((action) => [action.name, action.status, action.retriedAlone?.threads]),
          [["s.a", "succeeded", undefined], ["s.b", "succeeded", 1], ["s.c", "succeeded", undefined], ["s.d", "succeeded", undefined]]
        );
        assert.deepEqual(await warehouse.query("SELECT total FROM s.c"), [{ total: "3" }]);
        assert.equal(await warehouse.threads(), 2);
        const b = report.actions[1] as ActionResult;
        const firstTry = b.retriedAlone?.firstTrySeconds ?? -1;
        assert.ok(firstTry >= 0);
        assert.equal(
          describeAction(b, 2, 4)[0],
          `[2/4] ok      table       s.b  ${b.seconds.toFixed(2)}s  (1 rows, second try, alone on one thread: the first ran out of memory after ${firstTry.toFixed(2)}s)`
        );
      });

      it("reports the second failure when the second try runs out of memory too, and puts the thread count back", async () => {
        const report = await runGraph(warehouse, withD, { beforeCommit: failB(true).beforeCommit });
        const b = report.actions[1] as ActionResult;
        assert.deepEqual([b.status, b.retriedAlone?.threads], ["failed", 1]);
        // Fewer threads cannot be the advice any more: it ran on one.
        assert.equal(
          b.error,
          "s.b: Out of Memory Error: could not allocate block of size 256.0 KiB (1.0 GiB/1.0 GiB used). DuckDB ran out of the memory it may use and could not spill what was left to disk. " +
            "It ran alone on one thread: give it more with ECOM_DUCKDB_MEMORY_LIMIT (e.g. ECOM_DUCKDB_MEMORY_LIMIT=4GiB) and run again."
        );
        assert.deepEqual(report.actions.map((action) => [action.name, action.status]), [["s.a", "succeeded"], ["s.b", "failed"], ["s.c", "skipped"], ["s.d", "succeeded"]]);
        assert.equal(await warehouse.threads(), 2);
      });

      it("run one at a time, tries it again on one thread, and not at all when it had one thread already", async () => {
        const attempts = async () => {
          const reached: string[] = [];
          const report = await runGraph(warehouse, withD, {
            concurrentActions: 1,
            beforeCommit: async (action) => {
              if (action !== "s.b") return;
              reached.push(`s.b on ${await warehouse.threads()}`);
              throw outOfMemory();
            },
          });
          return { reached, b: report.actions[1] as ActionResult };
        };
        const twoThreads = await attempts();
        assert.deepEqual(twoThreads.reached, ["s.b on 2", "s.b on 1"]);
        assert.equal(twoThreads.b.retriedAlone?.threads, 1);
        await warehouse.run("SET threads = 1");
        const oneThread = await attempts();
        assert.deepEqual(oneThread.reached, ["s.b on 1"]);
        assert.deepEqual([oneThread.b.status, oneThread.b.retriedAlone], ["failed", undefined]);
        assert.match(oneThread.b.error ?? "", /It ran alone on one thread: give it more with ECOM_DUCKDB_MEMORY_LIMIT \(e\.g\. ECOM_DUCKDB_MEMORY_LIMIT=4GiB\) and run again\.$/);
      });
    });

    it("runs one at a time with concurrentActions 1 (and ECOM_CONCURRENT_ACTIONS=1), and refuses a value that is not a count", async () => {
      const hold = holdA(200);
      const report = await runGraph(warehouse, graph, { beforeCommit: hold.beforeCommit, concurrentActions: 1 });
      assert.equal(report.concurrentActions, 1);
      assert.equal(hold.overlapped(), false);
      assert.deepEqual(await warehouse.query("SELECT total FROM s.c"), [{ total: "3" }]);
      assert.equal(concurrentActionsFromEnv({ ECOM_CONCURRENT_ACTIONS: "1" }), 1);
      assert.equal(concurrentActionsFromEnv({}), 2);
      assert.throws(() => concurrentActionsFromEnv({ ECOM_CONCURRENT_ACTIONS: "two" }), /ECOM_CONCURRENT_ACTIONS="two": expected a whole number of actions, 1 or more/);
      assert.equal(concurrentActionsFromEnv({ ECOM_CONCURRENT_ACTIONS: " 3 " }), 3);
      assert.equal(concurrentActionsFromEnv({ ECOM_CONCURRENT_ACTIONS: " " }), 2);
    });
  });
});

describe("Dataform unit tests on DuckDB", function () {
  this.timeout(60_000);
  let graph: CompiledGraph;
  let warehouse: DuckDbWarehouse;
  before(async () => {
    graph = (await compileProject({ projectDir: PROJECT_ROOT, vars: { dialect: "duckdb" } })).graph;
    warehouse = await DuckDbWarehouse.open(":memory:");
  });
  after(() => warehouse.close());

  it("pass for every unit test of the project, in the compile's order", async () => {
    const results = await runUnitTests(warehouse, graph);
    // Which tests the project has is pinned by test/dataform/compile.test.ts; here, each of them passes.
    assert.ok(results.length >= 2);
    assert.deepEqual(
      results.map((result) => [result.name, result.passed, result.differences]),
      (graph.tests ?? []).map((test) => [test.name, true, []])
    );
  });

  it("fail on a wrong expectation, showing the expected and produced rows", async () => {
    const rfmTest = (graph.tests ?? []).find((test) => test.name === "customer_rfm_scores");
    assert.ok(rfmTest);
    const broken: CompiledGraph = {
      tests: [{ ...rfmTest, expectedOutputQuery: rfmTest.expectedOutputQuery.replace("'Loyal Customers'", "'Champions'") }],
    };
    const [result] = await runUnitTests(warehouse, broken);
    assert.equal(result?.passed, false);
    assert.equal(result?.differences.length, 2);
    assert.match(result?.differences[0] ?? "", /^- expected, not produced: .*customer_id="10001".*segment="Champions"/);
    assert.match(result?.differences[1] ?? "", /^\+ produced, not expected: .*customer_id="10001".*segment="Loyal Customers"/);
  });

  it("compare numbers by value and name missing columns", () => {
    assert.deepEqual(compareRows({ columns: ["a"], rows: [{ a: "2.500000000" }] }, { columns: ["a"], rows: [{ a: 2.5 }] }), []);
    assert.deepEqual(compareRows({ columns: ["a"], rows: [] }, { columns: ["a", "b"], rows: [] }), ["columns expected but not produced: b"]);
  });
});

describe("profiling a run and the engine's settings", function () {
  this.timeout(30_000);

  it("writes each action's DuckDB query profile, one per statement it ran, to DIR/<schema.name>.json", async () => {
    const fs = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecom-profile-"));
    const warehouse = await DuckDbWarehouse.open(":memory:");
    try {
      const graph: CompiledGraph = {
        tables: [table("numbers", "SELECT range AS n FROM range(1000)")],
        assertions: [{ target: target("checks", "numbers_small"), query: `SELECT n FROM ${ref("s", "numbers")} WHERE n >= 1000`, dependencyTargets: [target("s", "numbers")] }],
      };
      const report = await runGraph(warehouse, graph, { profileDir: dir });
      assert.equal(report.succeeded, true);
      assert.deepEqual(fs.readdirSync(dir).sort(), ["checks.numbers_small.json", "s.numbers.json"]);
      const profile = (name: string) =>
        JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) as { action: string; status: string; statements: { query_name: string; rows_returned: number }[] };
      const numbers = profile("s.numbers.json");
      assert.equal(numbers.action, "s.numbers");
      assert.equal(numbers.status, "succeeded");
      assert.deepEqual(
        numbers.statements.map((statement) => statement.query_name.replace(/\s+/g, " ").trim()),
        // DuckDB profiles no transaction statement (BEGIN, COMMIT): the action's own statements are all there.
        // Whether the table exists was read for every action at the run's start, not by the action.
        [
          `CREATE OR REPLACE TABLE "s"."numbers" AS ( SELECT range AS n FROM range(1000) )`,
          `SELECT COUNT(*) FROM "s"."numbers"`,
        ]
      );
      const check = profile("checks.numbers_small.json");
      assert.equal(check.statements.find((statement) => statement.query_name.startsWith(`SELECT COUNT(*) FROM "checks"`))?.rows_returned, 1);
      // Profiling ends with the run: nothing else is written.
      await warehouse.query("SELECT 1");
      assert.deepEqual(fs.readdirSync(dir).sort(), ["checks.numbers_small.json", "s.numbers.json"]);
    } finally {
      warehouse.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("turns DuckDB's out-of-memory advice into what an ecom user can do, and leaves other errors as they are", () => {
    // DuckDB 1.5's message, as a 50-million-line build at 1 GiB printed it.
    const duckdb =
      "Out of Memory Error: failed to pin block of size 256.0 KiB (1023.7 MiB/1.0 GiB used)\n\nPossible solutions:\n* Reducing the number of threads (SET threads=X)\n* Increasing the memory limit (SET memory_limit='...GB')\n";
    assert.equal(
      explainEngineError(duckdb),
      "Out of Memory Error: failed to pin block of size 256.0 KiB (1023.7 MiB/1.0 GiB used). DuckDB ran out of the memory it may use and could not spill what was left to disk. " +
        "Give it more with ECOM_DUCKDB_MEMORY_LIMIT (e.g. ECOM_DUCKDB_MEMORY_LIMIT=4GiB), or fewer threads with ECOM_DUCKDB_THREADS=1, and run again."
    );
    assert.equal(explainEngineError("Catalog Error: Table with name x does not exist!"), "Catalog Error: Table with name x does not exist!");
  });

  it("gives DuckDB a quarter of the machine's memory, at most 1.5 GiB, and a spill folder beside the warehouse, both overridable", async () => {
    const os = await import("node:os");
    const path = await import("node:path");
    const { engineSettings } = await import("../../scripts/warehouse/duckdb");
    const GiB = 2 ** 30;
    // 24 GiB: a quarter would be 6 GiB, so the cap of 1.5 GiB; 2 GiB: a quarter, 512 MiB.
    assert.deepEqual(engineSettings("w/shop.duckdb", {}, 24 * GiB), { memoryLimit: "1536MiB", tempDirectory: `${path.resolve("w/shop.duckdb")}.tmp` });
    assert.equal(engineSettings("w/shop.duckdb", {}, 2 * GiB).memoryLimit, "512MiB");
    assert.deepEqual(engineSettings("w/shop.duckdb", { ECOM_DUCKDB_MEMORY_LIMIT: "512MiB", ECOM_DUCKDB_TEMP_DIR: "/spill", ECOM_DUCKDB_THREADS: "1" }), {
      memoryLimit: "512MiB",
      tempDirectory: "/spill",
      threads: 1,
    });
    assert.throws(() => engineSettings("w.duckdb", { ECOM_DUCKDB_MEMORY_LIMIT: "lots" }), /ECOM_DUCKDB_MEMORY_LIMIT="lots": expected a size such as 4GB, 6GiB or 512MiB\./);
    assert.throws(() => engineSettings("w.duckdb", { ECOM_DUCKDB_THREADS: "0" }), /ECOM_DUCKDB_THREADS="0": expected a whole number of threads, 1 or more\./);
    // Blank means unset and blanks around the digits do not count, as for ECOM_CONCURRENT_ACTIONS.
    assert.equal(engineSettings("w.duckdb", { ECOM_DUCKDB_THREADS: "" }).threads, undefined);
    assert.equal(engineSettings("w.duckdb", { ECOM_DUCKDB_THREADS: " 2 " }).threads, 2);
    assert.throws(() => engineSettings("w.duckdb", { ECOM_DUCKDB_THREADS: "1.5" }), /ECOM_DUCKDB_THREADS="1.5": expected a whole number of threads, 1 or more\./);
    const warehouse = await DuckDbWarehouse.open(":memory:", { memoryLimit: "512MiB", tempDirectory: path.join(os.tmpdir(), "ecom-spill-test"), threads: 1 });
    try {
      assert.deepEqual(await warehouse.query("SELECT current_setting('memory_limit') AS memory, current_setting('threads') AS threads, current_setting('temp_directory') AS spill"), [
        { memory: "512.0 MiB", threads: "1", spill: path.join(os.tmpdir(), "ecom-spill-test") },
      ]);
    } finally {
      warehouse.close();
    }
  });

  it("writes a new warehouse file in DuckDB 1.3's storage format, and opens one of an older format as it is", async () => {
    const path = await import("node:path");
    const temp = makeTempDir("ecom-storage");
    const dir = temp.dir;
    const storageOf = async (file: string) => {
      const warehouse = await DuckDbWarehouse.open(file);
      try {
        await warehouse.run("CREATE TABLE IF NOT EXISTS t AS SELECT 1 AS x");
        const [row] = await warehouse.query("SELECT tags FROM duckdb_databases() WHERE database_name = current_database()");
        return (row?.tags as { key: string; value: string }[]).find((tag) => tag.key === "storage_version")?.value;
      } finally {
        warehouse.close();
      }
    };
    assert.equal(await storageOf(path.join(dir, "new.duckdb")), "v1.3.0+");
    // A file DuckDB made with its own default (0.10.2's format) keeps it.
    const old = path.join(dir, "old.duckdb");
    const { DuckDBInstance } = await import("@duckdb/node-api");
    (await DuckDBInstance.create(old)).closeSync();
    try {
      assert.equal(await storageOf(old), "v1.0.0+");
    } finally {
      temp.remove();
    }
  });
});
