import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../scripts/cli/main";
import { RecordingOutput } from "../../scripts/output";
import { DuckDbWarehouse } from "../../scripts/warehouse/duckdb";
import { makeTempDir, SHARED_DATA_DIR } from "../support/temp";
import { DATASETS } from "../../scripts/config";

/*
 * The whole Online Retail dataset, checked against the figures published with it
 * (../shared/data/online-retail/README.md), not against anything this code computed.
 */
const WHOLE_FILE = path.join(SHARED_DATA_DIR, "data.csv.gz");
const ISO_DATES_FILE = path.join(SHARED_DATA_DIR, "first-8000-rows-iso-dates.csv");

/** RFM segments published for the same population with pandas qcut quintiles. */
const PUBLISHED_SEGMENTS: Record<string, number> = {
  Hibernating: 1071,
  "Loyal Customers": 819,
  Champions: 633,
  "At Risk": 593,
  "Potential Loyalists": 484,
  "About To Sleep": 352,
  "Need Attention": 187,
  Promising: 94,
  "Can't Lose Them": 63,
  "New Customers": 42,
};

describe("the pipeline on the real Online Retail data", function () {
  this.timeout(300_000);
  const temp = makeTempDir("ecom-real");

  before(function () {
    if (!fs.existsSync(WHOLE_FILE)) {
      console.log(`    (skipped: the shared dataset is not at ${SHARED_DATA_DIR})`);
      this.skip();
    }
  });
  after(() => temp.remove());

  describe("data.csv.gz, all 541,909 lines", () => {
    const db = path.join(temp.dir, "online-retail.duckdb");
    const output = new RecordingOutput();
    let exitCode: number;
    let warehouse: DuckDbWarehouse;
    const one = async (sql: string) => (await warehouse.query(sql))[0];

    before(async () => {
      exitCode = await main(["node", "ecom", "pipeline", "--source", WHOLE_FILE, "--db", db], output);
      warehouse = await DuckDbWarehouse.open(db);
    });
    after(() => warehouse?.close());

    it("exits 0 with every assertion passing", () => {
      assert.equal(exitCode, 0, output.text);
      assert.match(output.text, /Assertions: \d+ passed, 0 failed\./);
    });

    it("lands every line as ISO-8859-1 and rejects none", async () => {
      assert.deepEqual(await one(`SELECT COUNT(*) AS n FROM ${DATASETS.raw}.raw_sales`), { n: "541909" });
      assert.deepEqual(await one(`SELECT COUNT(*) AS n FROM ${DATASETS.staging}.stg_sales_rejected`), { n: "0" });
      assert.deepEqual(await one(`SELECT COUNT(*) AS n FROM ${DATASETS.raw}.raw_sales WHERE description LIKE '%£%'`), { n: "32" });
    });

    it("holds 541,909 fact rows summing Quantity x UnitPrice to 9,747,747.934", async () => {
      assert.deepEqual(await one(`SELECT COUNT(*) AS n, CAST(SUM(line_amount) AS VARCHAR) AS amount FROM ${DATASETS.dwh}.fact_sales`), {
        n: "541909",
        amount: "9747747.934000000",
      });
    });

    it("scores the published RFM population: 4,338 customers, 18,532 invoices, revenue 8,911,407.904", async () => {
      assert.deepEqual(
        await one(`SELECT COUNT(*) AS n, SUM(frequency) AS invoices, CAST(SUM(monetary) AS VARCHAR) AS revenue FROM ${DATASETS.analytics}.customer_rfm`),
        { n: "4338", invoices: "18532", revenue: "8911407.904000000" }
      );
    });

    it("segments customers within a few of the published counts (NTILE splits ties differently from qcut)", async () => {
      const rows = await warehouse.query(`SELECT segment, customers FROM ${DATASETS.analytics}.agg_customer_segments`);
      assert.equal(rows.length, 10);
      for (const row of rows) {
        const published = PUBLISHED_SEGMENTS[String(row.segment)];
        assert.ok(published !== undefined, `unexpected segment ${String(row.segment)}`);
        assert.ok(Math.abs(Number(row.customers) - published) <= 10, `${String(row.segment)}: ${String(row.customers)} vs published ${published}`);
      }
    });

    it("builds 374 days, 3,958 stock codes and 4,372 customers plus the unknown member", async () => {
      assert.deepEqual(await one(`SELECT COUNT(*) AS n FROM ${DATASETS.dwh}.dim_dates`), { n: "374" });
      assert.deepEqual(await one(`SELECT COUNT(*) AS n FROM ${DATASETS.dwh}.dim_products`), { n: "3958" });
      assert.deepEqual(
        await one(`SELECT COUNT(*) FILTER (WHERE NOT is_unknown) AS known, COUNT(*) FILTER (WHERE is_unknown) AS unknown FROM ${DATASETS.dwh}.dim_customers`),
        { known: "4372", unknown: "1" }
      );
    });

    it("finds the published facts in staging: 9,288 cancellation lines, 135,080 lines without customer, 38 countries", async () => {
      assert.deepEqual(
        await one(`SELECT COUNT(*) FILTER (WHERE is_cancellation) AS cancellations, COUNT(*) FILTER (WHERE customer_id IS NULL) AS anonymous,
                          COUNT(DISTINCT country) AS countries, COUNT(DISTINCT invoice_date) AS sale_days
                   FROM ${DATASETS.staging}.stg_sales`),
        { cancellations: "9288", anonymous: "135080", countries: "38", sale_days: "305" }
      );
    });
  });

  describe("first-8000-rows-iso-dates.csv (pandas re-export: ISO dates, 17850.0 customer ids, untrimmed descriptions)", () => {
    const db = path.join(temp.dir, "iso-dates.duckdb");
    it("lands 8,000 rows with none rejected, customer ids without .0 and trimmed descriptions", async () => {
      const output = new RecordingOutput();
      const exitCode = await main(["node", "ecom", "pipeline", "--source", ISO_DATES_FILE, "--db", db], output);
      assert.equal(exitCode, 0, output.text);
      const warehouse = await DuckDbWarehouse.open(db);
      try {
        const [counts] = await warehouse.query(`SELECT
            (SELECT COUNT(*) FROM ${DATASETS.raw}.raw_sales) AS raw,
            (SELECT COUNT(*) FROM ${DATASETS.staging}.stg_sales) AS staged,
            (SELECT COUNT(*) FROM ${DATASETS.staging}.stg_sales_rejected) AS rejected,
            (SELECT COUNT(*) FROM ${DATASETS.staging}.stg_sales WHERE customer_id LIKE '%.%') AS float_ids,
            (SELECT COUNT(*) FROM ${DATASETS.staging}.stg_sales WHERE description <> TRIM(description)) AS untrimmed`);
        assert.deepEqual(counts, { raw: "8000", staged: "8000", rejected: "0", float_ids: "0", untrimmed: "0" });
        assert.deepEqual(await warehouse.query(`SELECT customer_id, CAST(invoice_ts AS VARCHAR) AS ts FROM ${DATASETS.staging}.stg_sales WHERE _source_row = 1`), [
          { customer_id: "17850", ts: "2010-12-01 08:26:00" },
        ]);
      } finally {
        warehouse.close();
      }
    });
  });
});
