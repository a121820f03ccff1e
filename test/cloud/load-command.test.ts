import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import ExcelJS from "exceljs";
import { main } from "../../scripts/cli/main";
import { RecordingOutput } from "../../scripts/output";
import { FakeGcp } from "../support/fake-gcp";
import { makeTempDir } from "../support/temp";
import { queryWarehouse } from "../support/warehouse";
import { DATASETS } from "../../scripts/config";

const HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";
const JANUARY = [
  "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,1/4/2011 8:26,2.55,17850,United Kingdom",
  "536366,22633,HAND WARMER UNION JACK,6,1/4/2011 8:28,1.85,,United Kingdom",
  "536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,1/4/2011 8:34,1.69,13047,United Kingdom",
];
const FEBRUARY = [
  "540001,22423,REGENCY CAKESTAND 3 TIER,2,2/1/2011 9:00,12.75,12583,France",
  "540002,71053,WHITE METAL LANTERN,6,2/1/2011 9:30,3.39,14000,United Kingdom",
];
const csv = (lines: string[]) => `${HEADER}\n${lines.join("\n")}\n`;

/** A workbook of one sheet, "March", holding the header and one line, as Excel would store it. */
async function marchWorkbook(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("March");
  sheet.addRow(HEADER.split(","));
  sheet.addRow(["541001", "22423", "REGENCY CAKESTAND 3 TIER", 3, "3/1/2011 9:00", 12.75, 12583, "France"]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** `ecom load` with gs:// sources, through the real Storage and BigQuery clients, against the stand-in. */
describe("ecom load from Cloud Storage", function () {
  this.timeout(60_000);
  const temp = makeTempDir("ecom-gcs-load");
  const db = path.join(temp.dir, "gcs.duckdb");
  const savedEnv = { ...process.env };
  let fake: FakeGcp;
  let generations: Record<string, string>;

  const ecom = async (...args: string[]) => {
    const output = new RecordingOutput();
    const exitCode = await main(["node", "ecom", "load", ...args], output);
    return { exitCode, text: output.text };
  };
  const downloads = () => fake.requests.filter((request) => request.query.alt === "media" && !request.headers.range).map((request) => request.path);

  before(async () => {
    fake = await FakeGcp.start();
    generations = {
      january: fake.putObject("shop-raw", "raw_sales/2011-01.csv", csv(JANUARY)),
      february: fake.putObject("shop-raw", "raw_sales/2011-02.csv.gz", zlib.gzipSync(csv(FEBRUARY)), "application/gzip"),
    };
    fake.putObject("shop-raw", "raw_sales/README.txt", "not data");
    process.env.ECOM_GCP_API_ENDPOINT = fake.endpoint;
    process.env.ECOM_GCP_PROJECT = "shop-analytics";
  });
  after(async () => {
    process.env = savedEnv;
    await fake.stop();
    temp.remove();
  });
  beforeEach(() => fake.clearRequests());
  afterEach(() => assert.deepEqual(fake.foreignConnections, [], "only the stand-in may be contacted"));

  describe("into DuckDB", () => {
    it("lists the objects matching a pattern, streams each down and lands it under its gs:// URI", async () => {
      const { exitCode, text } = await ecom("--source", "gs://shop-raw/raw_sales/*.{csv,csv.gz}", "--db", db);
      assert.equal(exitCode, 0, text);
      assert.match(text, /gs:\/\/shop-raw\/raw_sales\/2011-01\.csv: landed 3 rows \(utf-8\)/);
      assert.match(text, /gs:\/\/shop-raw\/raw_sales\/2011-02\.csv\.gz: landed 2 rows \(utf-8\)/);
      assert.deepEqual(downloads(), ["/storage/v1/b/shop-raw/o/raw_sales%2F2011-01.csv", "/storage/v1/b/shop-raw/o/raw_sales%2F2011-02.csv.gz"]);
      assert.deepEqual(
        await queryWarehouse(db, `SELECT _source_file, COUNT(*) AS lines, MIN(_source_row) AS first, MAX(_source_row) AS last FROM ${DATASETS.raw}.raw_sales GROUP BY ALL ORDER BY 1`),
        [
          { _source_file: "gs://shop-raw/raw_sales/2011-01.csv", lines: "3", first: "1", last: "3" },
          { _source_file: "gs://shop-raw/raw_sales/2011-02.csv.gz", lines: "2", first: "1", last: "2" },
        ]
      );
      assert.deepEqual(await queryWarehouse(db, `SELECT source_file, checksum, file_size FROM ${DATASETS.raw}.load_ledger ORDER BY 1`), [
        { source_file: "gs://shop-raw/raw_sales/2011-01.csv", checksum: generations.january, file_size: String(csv(JANUARY).length) },
        { source_file: "gs://shop-raw/raw_sales/2011-02.csv.gz", checksum: generations.february, file_size: String(zlib.gzipSync(csv(FEBRUARY)).length) },
      ]);
    });

    it("does not even download an object generation already loaded", async () => {
      const { exitCode, text } = await ecom("--source", "gs://shop-raw/raw_sales/*.{csv,csv.gz}", "--db", db);
      assert.equal(exitCode, 0, text);
      assert.match(text, /2011-01\.csv: already loaded .*3 rows/);
      assert.deepEqual(downloads(), []);
    });

    it("replaces an object's rows when it is overwritten (a new generation)", async () => {
      fake.putObject("shop-raw", "raw_sales/2011-01.csv", csv(JANUARY.slice(0, 2)));
      const { exitCode, text } = await ecom("--source", "gs://shop-raw/raw_sales/2011-01.csv", "--db", db);
      assert.equal(exitCode, 0, text);
      assert.match(text, /2011-01\.csv: replaced the earlier version with 2 rows/);
      assert.deepEqual(await queryWarehouse(db, `SELECT COUNT(*) AS n FROM ${DATASETS.raw}.raw_sales WHERE _source_file LIKE '%2011-01.csv'`), [{ n: "2" }]);
    });

    it("takes Excel workbooks in a pattern too, each sheet landing under the object's URI and the sheet's name", async () => {
      fake.putObject("shop-raw", "books/2011-03.xlsx", await marchWorkbook(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
      const { exitCode, text } = await ecom("--source", "gs://shop-raw/books/*", "--db", db);
      assert.equal(exitCode, 0, text);
      assert.deepEqual(
        await queryWarehouse(db, `SELECT invoice_no, quantity, invoice_date, unit_price, customer_id, _source_row FROM ${DATASETS.raw}.raw_sales WHERE _source_file = 'gs://shop-raw/books/2011-03.xlsx#March'`),
        [{ invoice_no: "541001", quantity: "3", invoice_date: "3/1/2011 9:00", unit_price: "12.75", customer_id: "12583", _source_row: "2" }]
      );
    });

    it("names a missing object and lands nothing", async () => {
      const { exitCode, text } = await ecom("--source", "gs://shop-raw/raw_sales/2099-01.csv", "--db", db);
      assert.equal(exitCode, 1);
      assert.match(text, /gs:\/\/shop-raw\/raw_sales\/2099-01\.csv: no such object/);
    });
  });

  describe("into BigQuery", () => {
    it("runs a load job straight from the gs:// URI, then one transaction into raw_sales and the ledger", async () => {
      const { exitCode, text } = await ecom("--warehouse", "bigquery", "--source", "gs://shop-raw/raw_sales/2011-02.csv.gz");
      assert.equal(exitCode, 0, text);
      const [load] = fake.jobInserts("load");
      assert.deepEqual(load?.configuration.load?.sourceUris, ["gs://shop-raw/raw_sales/2011-02.csv.gz"]);
      assert.equal(load?.configuration.load?.skipLeadingRows, 1);
      assert.equal(load?.configuration.load?.destinationTable?.datasetId, DATASETS.raw);
      const scripts = fake.jobInserts("query").map((job) => job.configuration.query?.query ?? "");
      assert.ok(scripts.some((sql) => /BEGIN TRANSACTION;[\s\S]*DELETE FROM[\s\S]*INSERT INTO[\s\S]*load_ledger[\s\S]*COMMIT TRANSACTION;/.test(sql)));
      assert.deepEqual(downloads(), [], "no data passes through this machine");
      assert.match(text, /gs:\/\/shop-raw\/raw_sales\/2011-02\.csv\.gz: loaded, 2 rows \(utf-8\)/);
    });

    it("refuses a workbook before any job runs: load jobs read CSV only", async () => {
      fake.putObject("shop-raw", "books/2011-04.xlsx", await marchWorkbook());
      const { exitCode, text } = await ecom("--warehouse", "bigquery", "--source", "gs://shop-raw/books/2011-04.xlsx");
      assert.equal(exitCode, 1);
      assert.match(text, /gs:\/\/shop-raw\/books\/2011-04\.xlsx is an Excel workbook or a zip archive, and BigQuery load jobs read CSV only\. Land it with `ecom load --warehouse duckdb`/);
      assert.deepEqual(fake.jobInserts("load"), []);
      assert.deepEqual(fake.jobInserts("query"), []);
    });

    it("refuses local files, saying to upload them to the bucket first", async () => {
      const local = path.join(temp.dir, "local.csv");
      fs.writeFileSync(local, csv(JANUARY));
      const { exitCode, text } = await ecom("--warehouse", "bigquery", "--source", local);
      assert.equal(exitCode, 2);
      assert.match(text, /--warehouse bigquery loads from Cloud Storage only.*Upload it first \(gcloud storage cp FILE gs:\/\//);
      assert.equal(fake.requests.length, 0);
    });

    it("refuses --max-bad-lines, which a load job would turn into dropped lines", async () => {
      const { exitCode, text } = await ecom("--warehouse", "bigquery", "--max-bad-lines", "5", "--source", "gs://shop-raw/raw_sales/2011-02.csv.gz");
      assert.equal(exitCode, 2);
      assert.match(text, /--max-bad-lines is for the DuckDB target/);
    });
  });
});
