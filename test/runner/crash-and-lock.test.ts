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

interface Child {
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  kill: (signal: NodeJS.Signals) => void;
  /** Resolves when the child's stderr contains `text`. */
  waitFor: (text: string) => Promise<void>;
}

/** `ecom` as a separate process, as a user (or a scheduler) starts it. */
function startEcom(args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, [ECOM, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const waiter of waiters.filter((candidate) => stderr.includes(candidate.text))) waiter.resolve();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stderr }))
  );
  return {
    exited,
    kill: (signal) => child.kill(signal),
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        if (stderr.includes(text)) return resolve();
        waiters.push({ text, resolve });
        void exited.then(({ code }) => reject(new Error(`ecom exited (${code}) before printing ${JSON.stringify(text)}:\n${stderr}`)));
      }),
  };
}

describe("a run that is killed, and a run that meets another one", function () {
  this.timeout(180_000);
  const temp = makeTempDir("ecom-crash");
  const db = path.join(temp.dir, "crash.duckdb");
  const first = path.join(temp.dir, "first.csv");
  const second = path.join(temp.dir, "second.csv");
  const factTotals = async () =>
    (await queryWarehouse(db, "SELECT COUNT(*) AS lines, CAST(SUM(line_amount) AS VARCHAR) AS amount FROM ecommerce_dwh.fact_sales"))[0];
  let factBefore: unknown;
  let held: Child;

  before(async () => {
    // One shop's export cut in two files, so invoices stay consistent across them.
    const whole = path.join(temp.dir, "whole.csv");
    await generateSampleCsv({ rows: 7000, seed: 11, out: whole });
    const [header, ...lines] = fs.readFileSync(whole, "utf8").trimEnd().split("\n");
    fs.writeFileSync(first, `${[header, ...lines.slice(0, 4000)].join("\n")}\n`);
    fs.writeFileSync(second, `${[header, ...lines.slice(4000)].join("\n")}\n`);
    const output = new RecordingOutput();
    assert.equal(await main(["node", "ecom", "pipeline", "--source", first, "--db", db], output), 0, output.text);
    assert.equal(await main(["node", "ecom", "load", "--source", second, "--db", db], new RecordingOutput()), 0);
    factBefore = await factTotals();
  });
  after(() => {
    held?.kill("SIGKILL");
    temp.remove();
  });

  it("holds a run with fact_sales built but not committed", async () => {
    held = startEcom(["run", "--db", db], { ECOM_HOLD_BEFORE_COMMIT: "ecommerce_dwh.fact_sales" });
    await held.waitFor("holding ecommerce_dwh.fact_sales before commit");
  });

  it("refuses a second run on the same warehouse at once, saying why", async () => {
    const started = Date.now();
    const second = await startEcom(["run", "--db", db]).exited;
    assert.equal(second.code, 1);
    assert.match(second.stderr, /The warehouse .*crash\.duckdb is in use by another process \(DuckDB allows one writer at a time\)\. Wait for the other run to finish, or pass another --db\./);
    assert.ok(Date.now() - started < 30_000);
  });

  it("leaves fact_sales as it was when the run is killed with SIGKILL", async () => {
    held.kill("SIGKILL");
    const { signal } = await held.exited;
    assert.equal(signal, "SIGKILL");
    assert.deepEqual(await factTotals(), factBefore);
  });

  it("succeeds on the next run, with every line of both files and every assertion passing", async () => {
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
