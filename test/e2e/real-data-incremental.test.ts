import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../scripts/cli/main";
import { RecordingOutput } from "../../scripts/output";
import { splitByMonth } from "../../scripts/generate/split-by-month";
import { DuckDbWarehouse } from "../../scripts/warehouse/duckdb";
import { makeTempDir, SHARED_DATA_DIR } from "../support/temp";
import { DATASETS } from "../../scripts/config";

const WHOLE_FILE = path.join(SHARED_DATA_DIR, "data.csv.gz");

/** Tables compared whole: every row, every column but the newest load a summary row counts (lineage). */
const COMPARED_TABLES = [
  `${DATASETS.dwh}.dim_customers`,
  `${DATASETS.dwh}.dim_products`,
  `${DATASETS.dwh}.dim_dates`,
  `${DATASETS.analytics}.agg_daily_sales`,
  `${DATASETS.analytics}.customer_rfm`,
  `${DATASETS.analytics}.agg_customer_segments`,
  `${DATASETS.analytics}.top_n_products_monthly`,
];
/** Where the data came from (file, load, time) differs between the runs by design; the rest must not. */
const LINEAGE_COLUMNS = ["_source_file", "_load_id", "_loaded_at"];

/**
 * Month after month into one warehouse, incrementally, must end exactly where one full-refresh run
 * ends: over the same monthly files (every column, sales_line_id included) and over the whole file
 * in one piece (every column but the lines' keys and lineage, which name the file).
 */
describe("incremental runs on the real data, one month after another", function () {
  this.timeout(600_000);
  const temp = makeTempDir("ecom-monthly");
  const incremental = path.join(temp.dir, "incremental.duckdb");
  const oneRun = path.join(temp.dir, "one-run.duckdb");
  const wholeFile = path.join(temp.dir, "whole-file.duckdb");
  let months: string[] = [];

  const pipeline = async (db: string, sources: string[], ...flags: string[]) => {
    const output = new RecordingOutput();
    const exitCode = await main(["node", "ecom", "pipeline", "--source", ...sources, "--db", db, ...flags], output);
    assert.equal(exitCode, 0, output.text);
    return output.text;
  };

  /** Rows of `table` in one warehouse and not the other (both ways), comparing `columns`. */
  async function differences(db: string, otherDb: string, table: string, columns: string): Promise<number> {
    const warehouse = await DuckDbWarehouse.open(db);
    try {
      await warehouse.run(`ATTACH '${otherDb}' AS other (READ_ONLY)`);
      const count = await warehouse.scalar(`SELECT
          (SELECT COUNT(*) FROM (SELECT ${columns} FROM ${table} EXCEPT ALL SELECT ${columns} FROM other.${table}))
        + (SELECT COUNT(*) FROM (SELECT ${columns} FROM other.${table} EXCEPT ALL SELECT ${columns} FROM ${table}))`);
      return Number(count);
    } finally {
      warehouse.close();
    }
  }

  before(async function () {
    if (!fs.existsSync(WHOLE_FILE)) {
      console.log(`    (skipped: the shared dataset is not at ${SHARED_DATA_DIR})`);
      this.skip();
    }
    months = await splitByMonth(WHOLE_FILE, path.join(temp.dir, "months"));
  });
  after(() => temp.remove());

  it("splits the dataset into 13 monthly files holding all 541,909 lines", () => {
    assert.deepEqual(months.map((file) => path.basename(file)), [
      "2010-12.csv", "2011-01.csv", "2011-02.csv", "2011-03.csv", "2011-04.csv", "2011-05.csv", "2011-06.csv",
      "2011-07.csv", "2011-08.csv", "2011-09.csv", "2011-10.csv", "2011-11.csv", "2011-12.csv",
    ]);
    const lines = months.reduce((total, file) => total + fs.readFileSync(file, "utf8").trimEnd().split("\n").length - 1, 0);
    assert.equal(lines, 541_909);
  });

  it("runs month after month, each run merging only the new month", async () => {
    for (const month of months) {
      const text = await pipeline(incremental, [month]);
      if (month !== months[0]) assert.match(text, /ecommerce_dwh\.fact_sales .*merged\)/);
    }
  });

  it("ends with fact_sales and every analytics table equal, row for row, to one full-refresh run over the same files", async () => {
    await pipeline(oneRun, months, "--full-refresh");
    const factColumns = await columnsOf(oneRun, `${DATASETS.dwh}.fact_sales`, LINEAGE_COLUMNS);
    assert.equal(await differences(incremental, oneRun, `${DATASETS.dwh}.fact_sales`, factColumns), 0);
    for (const table of COMPARED_TABLES) assert.equal(await differences(incremental, oneRun, table, await columnsOf(oneRun, table, ["_loaded_at"])), 0, table);
  });

  it("ends with the same facts and analytics as one run over the whole file", async () => {
    await pipeline(wholeFile, [WHOLE_FILE]);
    const factColumns = await columnsOf(wholeFile, `${DATASETS.dwh}.fact_sales`, [...LINEAGE_COLUMNS, "sales_line_id"]);
    assert.equal(await differences(incremental, wholeFile, `${DATASETS.dwh}.fact_sales`, factColumns), 0);
    for (const table of COMPARED_TABLES) assert.equal(await differences(incremental, wholeFile, table, await columnsOf(wholeFile, table, ["_loaded_at"])), 0, table);
  });

  it("changes nothing when a month is loaded again", async () => {
    const text = await pipeline(incremental, [months[0] ?? ""]);
    assert.match(text, /2010-12\.csv: already loaded/);
    const factColumns = await columnsOf(oneRun, `${DATASETS.dwh}.fact_sales`, ["_load_id", "_loaded_at"]);
    assert.equal(await differences(incremental, oneRun, `${DATASETS.dwh}.fact_sales`, factColumns), 0);
  });
});

async function columnsOf(db: string, table: string, except: string[]): Promise<string> {
  const warehouse = await DuckDbWarehouse.open(db);
  try {
    const rows = await warehouse.query(`SELECT column_name FROM (DESCRIBE ${table})`);
    return rows.map((row) => String(row.column_name)).filter((column) => !except.includes(column)).join(", ");
  } finally {
    warehouse.close();
  }
}
