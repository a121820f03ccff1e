import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { generateSampleCsv } from "../../scripts/generate/sample-data";
import { PROJECT_ROOT } from "../../scripts/paths";
import { makeTempDir } from "../support/temp";
import { queryWarehouse } from "../support/warehouse";
import { DATASETS } from "../../scripts/config";

/*
 * Ctrl-C in the middle of `ecom load`, as a person presses it: a real process, a real SIGINT. The
 * first file has landed, the second (large) is being landed, the third is never reached. The
 * command must say so, exit 130, and leave only the first file in the warehouse.
 */
describe("Ctrl-C during ecom load", function () {
  this.timeout(180_000);
  const temp = makeTempDir("ecom-interrupt");
  after(() => temp.remove());

  it("says what landed, what was rolled back and what was never tried, exits 130, and keeps only what landed", async () => {
    const small = path.join(temp.dir, "a.csv");
    const big = path.join(temp.dir, "big.csv");
    const last = path.join(temp.dir, "z.csv");
    await generateSampleCsv({ rows: 5, seed: 1, out: small });
    // Large enough that landing it takes seconds: the interrupt arrives while it is in progress.
    await generateSampleCsv({ rows: 1_500_000, seed: 2, out: big });
    await generateSampleCsv({ rows: 5, seed: 3, out: last });
    const db = path.join(temp.dir, "interrupted.duckdb");

    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "bin", "ecom.js"), "load", "--source", small, big, last, "--db", db], {
      cwd: temp.dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        // The first file's result line: it has landed and the big one is next.
        if (/a\.csv: landed 5 rows/.test(stdout)) resolve();
      });
    });
    child.kill("SIGINT");
    const code = await exited;

    assert.equal(code, 130, `stdout:\n${stdout}\nstderr:\n${stderr}`);
    const report = stderr.split("\n").filter((line) => /^(Interrupted|Landed before it|In progress|Not tried|Nothing had landed)/.test(line));
    assert.deepEqual(report, [
      "Interrupted (Ctrl-C).",
      "Landed before it: a.csv (5 rows).",
      `In progress: ${big}: nothing of it landed (its transaction is rolled back); load it again.`,
      `Not tried: ${last}.`,
    ]);
    assert.equal(fs.existsSync(db), true);
    assert.deepEqual(await queryWarehouse(db, `SELECT _source_file, COUNT(*) AS lines FROM ${DATASETS.raw}.raw_sales GROUP BY ALL ORDER BY 1`), [
      { _source_file: "a.csv", lines: "5" },
    ]);
    assert.deepEqual(await queryWarehouse(db, `SELECT source_file, rows_loaded FROM ${DATASETS.raw}.load_ledger ORDER BY 1`), [
      { source_file: "a.csv", rows_loaded: "5" },
    ]);
  });
});
