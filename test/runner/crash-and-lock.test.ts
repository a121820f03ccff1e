import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../scripts/cli/main";
import { RecordingOutput } from "../../scripts/output";
import { generateSampleCsv } from "../../scripts/generate/sample-data";
import { PROJECT_ROOT } from "../../scripts/paths";
import { makeTempDir } from "../support/temp";
import { queryWarehouse } from "../support/warehouse";

const ECOM = path.join(PROJECT_ROOT, "bin", "ecom.js");
const HOLD = path.join(PROJECT_ROOT, "test", "support", "hold-before-commit.ts");

interface Child {
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** True once the process has exited. */
  hasExited: () => boolean;
  kill: (signal: NodeJS.Signals) => void;
  /** Resolves when the child's stderr contains `text`. */
  waitFor: (text: string) => Promise<void>;
}

/** A separate Node process, as a user (or a scheduler) starts `ecom`; stdin stays open until it is killed. */
function start(args: string[]): Child {
  const child = spawn(process.execPath, args, { stdio: ["pipe", "ignore", "pipe"] });
  let stderr = "";
  let exitedYet = false;
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const waiter of waiters.filter((candidate) => stderr.includes(candidate.text))) waiter.resolve();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => {
      exitedYet = true;
      resolve({ code, signal, stderr });
    })
  );
  return {
    exited,
    hasExited: () => exitedYet,
    kill: (signal) => child.kill(signal),
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        if (stderr.includes(text)) return resolve();
        waiters.push({ text, resolve });
        void exited.then(({ code }) => reject(new Error(`the process exited (${code}) before printing ${JSON.stringify(text)}:\n${stderr}`)));
      }),
  };
}

/** Every process a test started, killed after it whatever the outcome. */
const running: Child[] = [];

/** `ecom run` on `db`, held inside fact_sales' transaction with all its work done (test/support/hold-before-commit.ts). */
async function startHeldRun(db: string): Promise<Child> {
  const child = start(["-r", "ts-node/register/transpile-only", HOLD, db, "ecommerce_dwh.fact_sales"]);
  running.push(child);
  await child.waitFor("holding ecommerce_dwh.fact_sales before commit");
  return child;
}

describe("a run that is killed, and a run that meets another one", function () {
  this.timeout(180_000);
  const temp = makeTempDir("ecom-crash");
  /** A warehouse with the first file run through the graph and the second only landed: each test copies it. */
  const built = path.join(temp.dir, "built.duckdb");
  const first = path.join(temp.dir, "first.csv");
  const second = path.join(temp.dir, "second.csv");
  const factTotals = async (db: string) =>
    (await queryWarehouse(db, "SELECT COUNT(*) AS lines, CAST(SUM(line_amount) AS VARCHAR) AS amount FROM ecommerce_dwh.fact_sales"))[0];
  let factBefore: unknown;
  /** A copy of the built warehouse of this test's own. */
  const warehouseFor = (name: string): string => {
    const db = path.join(temp.dir, `${name}.duckdb`);
    fs.copyFileSync(built, db);
    return db;
  };

  before(async () => {
    // One shop's export cut in two files, so invoices stay consistent across them.
    const whole = path.join(temp.dir, "whole.csv");
    await generateSampleCsv({ rows: 7000, seed: 11, out: whole });
    const [header, ...lines] = fs.readFileSync(whole, "utf8").trimEnd().split("\n");
    fs.writeFileSync(first, `${[header, ...lines.slice(0, 4000)].join("\n")}\n`);
    fs.writeFileSync(second, `${[header, ...lines.slice(4000)].join("\n")}\n`);
    const output = new RecordingOutput();
    assert.equal(await main(["node", "ecom", "pipeline", "--source", first, "--db", built], output), 0, output.text);
    assert.equal(await main(["node", "ecom", "load", "--source", second, "--db", built], new RecordingOutput()), 0);
    factBefore = await factTotals(built);
  });
  afterEach(() => {
    for (const child of running.splice(0)) child.kill("SIGKILL");
  });
  after(() => temp.remove());

  it("refuses a second run on the same warehouse while one holds it, saying why", async () => {
    const db = warehouseFor("locked");
    const held = await startHeldRun(db);
    const other = await start([ECOM, "run", "--db", db]).exited;
    assert.equal(other.code, 1);
    assert.match(other.stderr, /The warehouse .*locked\.duckdb is in use by another process \(DuckDB allows one writer at a time\)\. Wait for the other run to finish, or pass another --db\./);
    // Refused at once rather than after waiting: the first run is still holding its transaction.
    assert.equal(held.hasExited(), false);
  });

  it("leaves fact_sales as it was when the run is killed with SIGKILL", async () => {
    const db = warehouseFor("killed");
    const held = await startHeldRun(db);
    held.kill("SIGKILL");
    const { signal } = await held.exited;
    assert.equal(signal, "SIGKILL");
    assert.deepEqual(await factTotals(db), factBefore);
  });

  it("succeeds on the run after a killed one, with every line of both files and every assertion passing", async () => {
    const db = warehouseFor("recovered");
    const held = await startHeldRun(db);
    held.kill("SIGKILL");
    await held.exited;
    const output = new RecordingOutput();
    assert.equal(await main(["node", "ecom", "run", "--db", db], output), 0, output.text);
    assert.match(output.text, /Assertions: \d+ passed, 0 failed\./);
    const [counts] = await queryWarehouse(
      db,
      `SELECT (SELECT COUNT(*) FROM ecommerce_raw.raw_sales) AS raw,
              (SELECT COUNT(*) FROM ecommerce_staging.stg_sales) + (SELECT COUNT(*) FROM ecommerce_staging.stg_sales_rejected) AS staged,
              (SELECT COUNT(*) FROM ecommerce_dwh.fact_sales) - (SELECT COUNT(*) FROM ecommerce_staging.stg_sales) AS fact_minus_staged`
    );
    assert.deepEqual(counts, { raw: "7000", staged: "7000", fact_minus_staged: "0" });
  });
});
