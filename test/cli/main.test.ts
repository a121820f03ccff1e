import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../scripts/cli/main";
import { RecordingOutput } from "../../scripts/output";
import { generateSampleCsv, type GenerateStats } from "../../scripts/generate/sample-data";
import { DuckDbWarehouse } from "../../scripts/warehouse/duckdb";
import { DATASETS } from "../../scripts/config";

interface Invocation {
  code: number;
  output: RecordingOutput;
}

/** Runs the CLI in-process as `ecom <args...>` and keeps everything it printed. */
async function ecom(...args: string[]): Promise<Invocation> {
  const output = new RecordingOutput();
  const code = await main(["node", "ecom", ...args], output);
  return { code, output };
}

/** Opens the warehouse, runs `work`, and closes it. */
async function withWarehouse<T>(file: string, work: (warehouse: DuckDbWarehouse) => Promise<T>): Promise<T> {
  const warehouse = await DuckDbWarehouse.open(file);
  try {
    return await work(warehouse);
  } finally {
    warehouse.close();
  }
}

function describeStats(out: string, stats: GenerateStats): string {
  const n = (value: number) => value.toLocaleString("en-US");
  return (
    `Wrote ${n(stats.rows)} lines to ${out} (${n(stats.untypeableLines)} deliberately untypeable, ` +
    `${n(stats.linesWithoutCustomer)} without customer, ${n(stats.cancellationLines)} cancellations, ` +
    `${stats.firstDate} to ${stats.lastDate}).`
  );
}

describe("ecom command line (main)", () => {
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecom-cli-"));
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe("generate", () => {
    it("writes the requested lines plus a header, exits 0 and prints one line naming the file and its stats", async () => {
      const out = path.join(dir, "s.csv");
      const { code, output } = await ecom("generate", "--rows", "500", "--seed", "3", "--out", out);
      assert.equal(code, 0);
      const text = fs.readFileSync(out, "utf8");
      assert.ok(text.endsWith("\n"));
      const lines = text.slice(0, -1).split("\n");
      assert.equal(lines.length, 501);
      assert.equal(lines[0], "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country");

      const reference = path.join(dir, "s-reference.csv");
      const stats = await generateSampleCsv({ rows: 500, seed: 3, out: reference });
      assert.ok(fs.readFileSync(reference).equals(fs.readFileSync(out)), "the CLI writes the generator's file");
      assert.deepEqual(output.lines, [describeStats(out, stats)]);
    });

    it("refuses a non-numeric --rows with exit code 2 and writes nothing", async () => {
      const out = path.join(dir, "x.csv");
      const { code, output } = await ecom("generate", "--rows", "zero", "--out", out);
      assert.equal(code, 2);
      assert.ok(output.text.includes(`error: option '--rows <n>' argument 'zero' is invalid. "zero" is not a whole number.`), output.text);
      assert.equal(fs.existsSync(out), false);
    });
  });

  describe("usage errors", () => {
    it("exits 2 for an unknown command, saying which", async () => {
      const { code, output } = await ecom("bogus");
      assert.equal(code, 2);
      assert.equal(output.lines[0], "error: unknown command 'bogus'");
    });

    it("exits 2 for pipeline --vars dialect=bigquery, explaining that the local pipeline runs DuckDB, and creates no warehouse", async () => {
      const source = path.join(dir, "dialect.csv");
      fs.writeFileSync(source, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n");
      const db = path.join(dir, "dialect.duckdb");
      const { code, output } = await ecom("pipeline", "--vars", "dialect=bigquery", "--source", source, "--db", db);
      assert.equal(code, 2);
      assert.deepEqual(output.lines, ["error: The local pipeline runs the DuckDB dialect; drop --vars dialect=bigquery."]);
      assert.equal(fs.existsSync(db), false);
    });
  });

  describe("load", () => {
    it("exits 1 for a missing --source, printing an error that names the path", async () => {
      const missing = path.join(dir, "no-such-file.csv");
      const { code, output } = await ecom("load", "--source", missing, "--db", path.join(dir, "load.duckdb"));
      assert.equal(code, 1);
      assert.deepEqual(output.lines, [`error: ${missing}: no such file or directory. Check the --source path.`]);
    });
  });

  describe("pipeline", function () {
    this.timeout(60_000);

    let source: string;
    let db: string;
    let stats: GenerateStats;

    before(async () => {
      source = path.join(dir, "sample-3000.csv");
      db = path.join(dir, "w.duckdb");
      const generated = await ecom("generate", "--rows", "3000", "--seed", "5", "--out", source);
      assert.equal(generated.code, 0, generated.output.text);
      stats = await generateSampleCsv({ rows: 3000, seed: 5, out: path.join(dir, "sample-3000-reference.csv") });
      assert.equal(stats.rows, 3000);
    });

    /** The row count the summary's Tables section prints for `table`. */
    function tableCount(output: RecordingOutput, table: string): string | undefined {
      const tables = output.lines.indexOf("Tables:");
      assert.notEqual(tables, -1, "the summary has a Tables: section");
      const line = output.lines.slice(tables).find((candidate) => candidate.trim().split(/\s+/)[0] === table);
      return line?.trim().split(/\s+/)[1];
    }

    it("loads a generated sample, runs every action successfully and prints the summary", async () => {
      const { code, output } = await ecom("pipeline", "--source", source, "--db", db);
      assert.equal(code, 0, output.text);
      const text = output.text;
      assert.match(text, /^ {2}sample-3000\.csv: landed 3,000 rows \(utf-8\) in \d+\.\d{2}s\.$/m);
      assert.match(text, /^Pipeline succeeded in \d+\.\ds \(load /m);

      const report = JSON.parse(fs.readFileSync(`${db}.last-run.json`, "utf8")) as {
        warehouse: string;
        succeeded: boolean;
        actions: { name: string; kind: string; status: string }[];
      };
      assert.equal(report.warehouse, db);
      assert.equal(report.succeeded, true);
      assert.ok(report.actions.length > 0);
      assert.deepEqual(
        report.actions.filter((action) => action.status !== "succeeded").map((action) => `${action.name}: ${action.status}`),
        []
      );
      const assertionCount = report.actions.filter((action) => action.kind === "assertion").length;
      assert.ok(assertionCount > 0);
      assert.ok(output.lines.includes(`Assertions: ${assertionCount} passed, 0 failed.`), text);

      assert.equal(tableCount(output, `${DATASETS.raw}.raw_sales`), "3,000");
      assert.match(text, /^ {2}segment +customers +share +revenue +share +avg recency \(days\)$/m);
      assert.ok(output.lines.includes(`Warehouse: ${db}`));
      // The pipeline's last step: the dashboard beside the warehouse, named after it.
      const dashboard = path.join(path.dirname(db), `${path.basename(db, ".duckdb")}-dashboard`, "index.html");
      assert.ok(output.lines.includes(`Dashboard: ${path.relative(process.cwd(), dashboard)}`), output.text);
      assert.match(fs.readFileSync(dashboard, "utf8"), /<title>[^<]*<\/title>/);
      // And where `npm run docs` puts this warehouse's docs, with the flag that names it.
      const docs = path.join(path.dirname(db), `${path.basename(db, ".duckdb")}-docs`, "index.html");
      assert.equal(output.lines[output.lines.length - 1], `Docs and lineage: \`npm run docs -- --db ${db}\` writes ${path.relative(process.cwd(), docs)}`);

      const counts = await withWarehouse(db, async (warehouse) => ({
        raw: Number(await warehouse.scalar(`SELECT COUNT(*) FROM ${DATASETS.raw}.raw_sales`)),
        staged: Number(await warehouse.scalar(`SELECT COUNT(*) FROM ${DATASETS.staging}.stg_sales`)),
        rejected: Number(await warehouse.scalar(`SELECT COUNT(*) FROM ${DATASETS.staging}.stg_sales_rejected`)),
      }));
      assert.deepEqual(counts, { raw: 3000, staged: 3000 - stats.untypeableLines, rejected: stats.untypeableLines });
      assert.equal(tableCount(output, `${DATASETS.staging}.stg_sales_rejected`), stats.untypeableLines.toLocaleString("en-US"));
    });

    it("on a second run says the file is already loaded, reuses the compile and keeps the raw count", async () => {
      const { code, output } = await ecom("pipeline", "--source", source, "--db", db);
      assert.equal(code, 0, output.text);
      assert.ok(output.lines.includes("  sample-3000.csv: already loaded (same file version, 3,000 rows); nothing to do."), output.text);
      assert.ok(output.lines.some((line) => line.startsWith("Compiled graph unchanged since the last compile: reused it")), output.text);
      assert.equal(tableCount(output, `${DATASETS.raw}.raw_sales`), "3,000");
      const [raw, ledger] = await withWarehouse(db, async (warehouse) => [
        Number(await warehouse.scalar(`SELECT COUNT(*) FROM ${DATASETS.raw}.raw_sales`)),
        Number(await warehouse.scalar(`SELECT COUNT(*) FROM ${DATASETS.raw}.load_ledger`)),
      ]);
      assert.equal(raw, 3000);
      assert.equal(ledger, 1);
    });
  });
});
