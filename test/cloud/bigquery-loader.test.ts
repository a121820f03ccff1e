import * as assert from "node:assert/strict";
import * as zlib from "node:zlib";
import { BigQuery } from "@google-cloud/bigquery";
import type { Storage } from "@google-cloud/storage";
import { createBigQuery, loadGcsIntoBigQuery, type BigQueryLoadOptions } from "../../scripts/cloud/bigquery-loader";
import { createStorage, listGcsObjects, type GcsObject } from "../../scripts/cloud/gcs";
import { DATASETS, type ProjectConfig } from "../../scripts/config";
import { LoadError } from "../../scripts/errors";
import { FakeGcp, type JobInsertBody, type QueryConfiguration } from "../support/fake-gcp";

const HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";
const COLUMNS = ["invoice_no", "stock_code", "description", "quantity", "invoice_date", "unit_price", "customer_id", "country"];
/** Three records, one with a line break inside quotes. */
const JANUARY = [
  HEADER,
  "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom",
  '536366,22633,"HAND WARMER\nUNION JACK",6,12/1/2010 8:28,1.85,17850,United Kingdom',
  "536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,12/1/2010 8:34,1.69,13047,United Kingdom",
  "",
].join("\n");
/** ISO-8859-1: the £ in the description is the single byte 0xA3. */
const LATIN1 = Buffer.from(`${HEADER}\n537000,POST,POSTAGE £ GBP,1,12/3/2010 9:00,18,12583,France\n`, "latin1");
const RETAIL_II = "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n489434,85048,15CM CHRISTMAS GLASS BALL 20 LIGHTS,12,2009-12-01 07:45:00,6.95,13085.0,United Kingdom\n";
const SHUFFLED = "Customer ID,Country,Invoice,InvoiceDate,StockCode,Description,Quantity,Price\n13085.0,United Kingdom,489434,2009-12-01 07:45:00,85048,BALL,12,6.95\n";

const LEDGER_QUERY =
  "SELECT load_id, checksum, rows_loaded FROM `test-project.ecommerce_raw.load_ledger` WHERE source_file = @uri ORDER BY loaded_at DESC LIMIT 1";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function stringParam(name: string, value: string): { name: string; parameterType: { type: string }; parameterValue: { value: string } } {
  return { name, parameterType: { type: "STRING" }, parameterValue: { value } };
}

describe("BigQuery load from Cloud Storage (scripts/cloud/bigquery-loader)", () => {
  let fake: FakeGcp;
  let storage: Storage;
  let bigquery: BigQuery;
  let config: ProjectConfig;
  let progress: string[];

  before(async () => {
    fake = await FakeGcp.start();
    config = { projectId: "test-project", location: "EU", bucket: "bucket", prefix: "raw/", datasets: DATASETS, apiEndpoint: fake.endpoint };
    storage = createStorage(config);
    bigquery = createBigQuery(config);
  });

  after(async () => {
    await fake.stop();
  });

  beforeEach(() => {
    fake.buckets.clear();
    fake.jobs.clear();
    fake.tables.clear();
    fake.onQuery = () => ({ rows: [] });
    fake.onLoadJob = () => undefined;
    fake.clearRequests();
    progress = [];
  });

  afterEach(() => {
    assert.deepEqual(fake.foreignConnections, [], "only the stand-in on 127.0.0.1 may be contacted");
    assert.deepEqual(
      fake.requests.filter((request) => request.headers.authorization !== undefined).map((request) => request.path),
      [],
      "no request may carry credentials"
    );
  });

  /** Stores objects, lists them as the CLI would, and forgets the requests made so far. */
  async function objectsAt(files: Record<string, Buffer | string>, uri = "gs://bucket/raw/*.{csv,csv.gz}"): Promise<GcsObject[]> {
    for (const [name, data] of Object.entries(files)) fake.putObject("bucket", name, data, name.endsWith(".gz") ? "application/gzip" : "text/csv");
    const objects = await listGcsObjects(storage, uri);
    fake.clearRequests();
    return objects;
  }

  function load(objects: GcsObject[], extra: Partial<BigQueryLoadOptions> = {}): ReturnType<typeof loadGcsIntoBigQuery> {
    return loadGcsIntoBigQuery(bigquery, storage, objects, { config, onProgress: (line) => progress.push(line), ...extra });
  }

  /** Makes the ledger answer, for any URI, that this generation was loaded earlier. */
  function ledgerHas(generation: string, rows = 3, loadId = "11111111-2222-3333-4444-555555555555"): void {
    fake.onQuery = (sql) => (sql === LEDGER_QUERY ? { rows: [{ load_id: loadId, checksum: generation, rows_loaded: rows }] } : { rows: [] });
  }

  function loadConfigs(): JobInsertBody["configuration"]["load"][] {
    return fake.jobInserts("load").map((body) => body.configuration.load);
  }

  function queries(): QueryConfiguration[] {
    return fake.jobInserts("query").flatMap((body) => (body.configuration.query ? [body.configuration.query] : []));
  }

  function transactions(): QueryConfiguration[] {
    return queries().filter((query) => query.query.includes("BEGIN TRANSACTION"));
  }

  function bigQueryRequests(): string[] {
    return fake.requestLines((request) => request.path.startsWith("/bigquery/"));
  }

  describe("a UTF-8 object", () => {
    it("is loaded by one load job whose configuration is exactly the contract's, from its gs:// URI into a per-load table", async () => {
      const objects = await objectsAt({ "raw/2011-01.csv": JANUARY });
      const [result] = await load(objects);
      assert.ok(result);
      assert.match(result.loadId, UUID);
      const [insert] = fake.jobInserts("load");
      assert.ok(insert);
      assert.deepEqual(insert.configuration.load, {
        destinationTable: { projectId: "test-project", datasetId: DATASETS.raw, tableId: `_load_${result.loadId.replace(/-/g, "")}` },
        sourceFormat: "CSV",
        skipLeadingRows: 1,
        encoding: "UTF-8",
        allowQuotedNewlines: true,
        fieldDelimiter: ",",
        quote: '"',
        schema: { fields: COLUMNS.map((name) => ({ name, type: "STRING", mode: "NULLABLE" })) },
        writeDisposition: "WRITE_TRUNCATE",
        createDisposition: "CREATE_IF_NEEDED",
        maxBadRecords: 0,
        sourceUris: ["gs://bucket/raw/2011-01.csv"],
      });
      assert.equal(insert.jobReference.location, "EU");
      assert.deepEqual(result, {
        uri: "gs://bucket/raw/2011-01.csv",
        status: "loaded",
        rows: 3,
        loadId: result.loadId,
        encoding: "utf-8",
        jobId: insert.jobReference.jobId,
      });
    });

    it("lands the rows in one script: BEGIN, DELETE, INSERT raw_sales, INSERT load_ledger, COMMIT, in that order, with typed named parameters", async () => {
      const objects = await objectsAt({ "raw/2011-01.csv": JANUARY });
      const [result] = await load(objects);
      assert.ok(result);
      const perLoad = `\`test-project.${DATASETS.raw}._load_${result.loadId.replace(/-/g, "")}\``;
      const [script, ...others] = transactions();
      assert.ok(script);
      assert.equal(others.length, 0);
      const steps = [
        "BEGIN TRANSACTION;",
        "DELETE FROM `test-project.ecommerce_raw.raw_sales` WHERE _source_file = @uri;",
        `INSERT INTO \`test-project.${DATASETS.raw}.raw_sales\` (${COLUMNS.join(", ")}, _source_file, _source_row, _load_id, _loaded_at)\nSELECT ${COLUMNS.join(", ")}, @uri, CAST(NULL AS INT64), @load_id, load_time FROM ${perLoad};`,
        "INSERT INTO `test-project.ecommerce_raw.load_ledger` (load_id, source_file, source_path, file_size, checksum, rows_loaded, loaded_at)\n" +
          `SELECT @load_id, @uri, @uri, @size, @generation, COUNT(*), load_time FROM ${perLoad};`,
        "COMMIT TRANSACTION;",
      ];
      const positions = steps.map((step) => script.query.indexOf(step));
      assert.ok(positions.every((position) => position >= 0), `every step is in the script:\n${script.query}`);
      assert.deepEqual([...positions].sort((a, b) => a - b), positions, "in that order");
      assert.equal(script.parameterMode, "NAMED");
      assert.equal(script.useLegacySql, false);
      assert.deepEqual(script.queryParameters, [
        stringParam("uri", "gs://bucket/raw/2011-01.csv"),
        stringParam("load_id", result.loadId),
        { name: "size", parameterType: { type: "INT64" }, parameterValue: { value: String(Buffer.byteLength(JANUARY)) } },
        stringParam("generation", objects[0]?.generation ?? ""),
      ]);
    });

    it("runs, in order: table creation, the ledger query, the load job, the landing script, then drops the per-load table", async () => {
      const objects = await objectsAt({ "raw/2011-01.csv": JANUARY });
      const [result] = await load(objects);
      assert.ok(result);
      const ids = fake.jobInserts().map((body) => body.jobReference.jobId);
      assert.equal(ids.length, 4);
      assert.deepEqual(bigQueryRequests(), [
        "POST /bigquery/v2/projects/test-project/jobs?prettyPrint=false",
        `GET /bigquery/v2/projects/test-project/queries/${ids[0]}?location=EU&formatOptions.useInt64Timestamp=true&prettyPrint=false`,
        "POST /bigquery/v2/projects/test-project/jobs?prettyPrint=false",
        `GET /bigquery/v2/projects/test-project/queries/${ids[1]}?location=EU&formatOptions.useInt64Timestamp=true&prettyPrint=false`,
        "POST /bigquery/v2/projects/test-project/jobs?prettyPrint=false",
        `GET /bigquery/v2/projects/test-project/jobs/${ids[2]}?location=EU&prettyPrint=false`,
        "POST /bigquery/v2/projects/test-project/jobs?prettyPrint=false",
        `GET /bigquery/v2/projects/test-project/queries/${ids[3]}?location=EU&formatOptions.useInt64Timestamp=true&prettyPrint=false`,
        `DELETE /bigquery/v2/projects/test-project/datasets/${DATASETS.raw}/tables/_load_${result.loadId.replace(/-/g, "")}?prettyPrint=false`,
      ]);
      assert.deepEqual(
        queries().map((query) => query.query.split("\n")[0]),
        [
          "CREATE TABLE IF NOT EXISTS `test-project.ecommerce_raw.raw_sales` (",
          LEDGER_QUERY,
          "DECLARE load_time TIMESTAMP DEFAULT CURRENT_TIMESTAMP();",
        ]
      );
      assert.deepEqual([...fake.tables], [], "the per-load table is gone");
      assert.deepEqual(
        fake.requests.filter((request) => request.path.startsWith("/storage/")).map((request) => request.headers.range),
        [`bytes=0-${Buffer.byteLength(JANUARY) - 1}`],
        "only the head of the object is read here"
      );
    });

    it("asks the ledger for the URI's latest entry with the parameter @uri", async () => {
      const objects = await objectsAt({ "raw/2011-01.csv": JANUARY });
      await load(objects);
      const ledger = queries().find((query) => query.query === LEDGER_QUERY);
      assert.ok(ledger);
      assert.deepEqual(ledger.queryParameters, [stringParam("uri", "gs://bucket/raw/2011-01.csv")]);
    });

    it("creates the three landing tables with the contract's columns and types, once per call for several objects", async () => {
      const objects = await objectsAt({ "raw/2011-01.csv": JANUARY, "raw/2011-02.csv": JANUARY });
      await load(objects);
      const creations = queries().filter((query) => query.query.includes("CREATE TABLE"));
      assert.equal(creations.length, 1);
      assert.equal(
        creations[0]?.query,
        [
          "CREATE TABLE IF NOT EXISTS `test-project.ecommerce_raw.raw_sales` (",
          ...COLUMNS.map((column) => `  ${column} STRING,`),
          "  _source_file STRING NOT NULL,",
          "  _source_row INT64,",
          "  _load_id STRING NOT NULL,",
          "  _loaded_at TIMESTAMP NOT NULL",
          ")",
          "CLUSTER BY _source_file;",
          "CREATE TABLE IF NOT EXISTS `test-project.ecommerce_raw.load_ledger` (",
          "  load_id STRING NOT NULL,",
          "  source_file STRING NOT NULL,",
          "  source_path STRING NOT NULL,",
          "  file_size INT64,",
          "  checksum STRING NOT NULL,",
          "  rows_loaded INT64 NOT NULL,",
          "  loaded_at TIMESTAMP NOT NULL,",
          "  malformed_lines INT64 DEFAULT 0 NOT NULL",
          ");",
          "CREATE TABLE IF NOT EXISTS `test-project.ecommerce_raw.raw_sales_malformed` (",
          "  source_file STRING NOT NULL,",
          "  line_number INT64 NOT NULL,",
          "  raw_line STRING NOT NULL,",
          "  problem STRING NOT NULL,",
          "  _load_id STRING NOT NULL,",
          "  _loaded_at TIMESTAMP NOT NULL",
          ");",
        ].join("\n")
      );
      assert.deepEqual(
        loadConfigs().map((load) => load?.sourceUris),
        [["gs://bucket/raw/2011-01.csv"], ["gs://bucket/raw/2011-02.csv"]]
      );
    });

    it("reports each step for the CLI, with counts written 1,234", async () => {
      const lines = Array.from({ length: 1234 }, (_, i) => `${536365 + i},85123A,HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom`);
      const objects = await objectsAt({ "raw/2011-03.csv": `${HEADER}\n${lines.join("\n")}\n` });
      const [result] = await load(objects);
      assert.ok(result);
      assert.deepEqual(progress, [
        `gs://bucket/raw/2011-03.csv: load job ${result.jobId} running (UTF-8)`,
        `gs://bucket/raw/2011-03.csv: load job ${result.jobId} done, 1,234 rows`,
        `gs://bucket/raw/2011-03.csv: 1,234 rows landed in test-project.${DATASETS.raw}.raw_sales (loaded, load ${result.loadId})`,
      ]);
      assert.equal(result.rows, 1234);
    });
  });

  describe("encodings and headers", () => {
    it("loads an ISO-8859-1 object (a £ as byte 0xA3) with encoding ISO-8859-1", async () => {
      const objects = await objectsAt({ "raw/2010-12.csv": LATIN1 });
      const [result] = await load(objects);
      assert.equal(loadConfigs()[0]?.encoding, "ISO-8859-1");
      assert.equal(result?.encoding, "latin-1");
      assert.equal(result?.rows, 1);
      assert.match(progress[0] ?? "", /running \(ISO-8859-1\)$/);
    });

    it("uses a forced encoding instead of the detected one", async () => {
      const objects = await objectsAt({ "raw/2010-12.csv": LATIN1 });
      const [result] = await load(objects, { encoding: "utf-8" });
      assert.equal(loadConfigs()[0]?.encoding, "UTF-8");
      assert.equal(result?.encoding, "utf-8");
    });

    it("maps Online Retail II's header (Invoice, Price, Customer ID) to a schema of our column names in the file's order", async () => {
      const objects = await objectsAt({ "raw/online_retail_II.csv": RETAIL_II });
      await load(objects);
      assert.deepEqual(
        loadConfigs()[0]?.schema,
        { fields: COLUMNS.map((name) => ({ name, type: "STRING", mode: "NULLABLE" })) }
      );
    });

    it("keeps a reordered header's order in the load schema, so each field lands in its own column", async () => {
      const objects = await objectsAt({ "raw/shuffled.csv": SHUFFLED });
      await load(objects);
      const fields = (loadConfigs()[0]?.schema as { fields: { name: string }[] }).fields.map((field) => field.name);
      assert.deepEqual(fields, ["customer_id", "country", "invoice_no", "invoice_date", "stock_code", "description", "quantity", "unit_price"]);
    });

    it("reads a .csv.gz object's header decompressed and loads the compressed object from its URI", async () => {
      const objects = await objectsAt({ "raw/2011-02.csv.gz": zlib.gzipSync(Buffer.from(JANUARY)) });
      const [result] = await load(objects);
      assert.deepEqual(loadConfigs()[0]?.sourceUris, ["gs://bucket/raw/2011-02.csv.gz"]);
      assert.equal(result?.rows, 3);
      assert.equal(result?.status, "loaded");
    });

    it("refuses a bad header with a LoadError naming the URI and line 1, before any BigQuery request", async () => {
      const objects = await objectsAt({ "raw/bad.csv": "Date;Amount\n2010-12-01;3\n" });
      await assert.rejects(load(objects), (error: unknown) => {
        assert.ok(error instanceof LoadError);
        assert.equal(error.message, "gs://bucket/raw/bad.csv, line 1: fields are separated by \";\", not commas. Export the file as comma-separated CSV.");
        return true;
      });
      assert.deepEqual(bigQueryRequests(), []);
    });

    it("refuses a batch with one bad header before any job, so no object of it is loaded", async () => {
      const objects = await objectsAt({ "raw/2011-01.csv": JANUARY, "raw/2011-02.csv": "InvoiceNo,StockCode\n1,2\n" });
      await assert.rejects(load(objects), (error: unknown) => error instanceof LoadError && error.message.startsWith("gs://bucket/raw/2011-02.csv, line 1: column Description is missing."));
      assert.deepEqual(bigQueryRequests(), []);
    });
  });

  describe("the ledger", () => {
    it("reports an object whose generation the ledger has as unchanged, with the ledger's rows and load id, and sends no load job", async () => {
      const objects = await objectsAt({ "raw/2011-01.csv": JANUARY });
      const generation = objects[0]?.generation ?? "";
      ledgerHas(generation, 3, "11111111-2222-3333-4444-555555555555");
      const results = await load(objects);
      assert.deepEqual(results, [
        { uri: "gs://bucket/raw/2011-01.csv", status: "unchanged", rows: 3, loadId: "11111111-2222-3333-4444-555555555555", encoding: "utf-8" },
      ]);
      assert.deepEqual(fake.jobInserts("load"), []);
      assert.deepEqual(transactions(), []);
      assert.deepEqual(progress, [`gs://bucket/raw/2011-01.csv: unchanged (generation ${generation} already loaded, 3 rows)`]);
    });

    it("replaces an object whose ledger entry has another generation", async () => {
      const objects = await objectsAt({ "raw/2011-01.csv": JANUARY });
      ledgerHas("1234");
      const [result] = await load(objects);
      assert.equal(result?.status, "replaced");
      assert.equal(fake.jobInserts("load").length, 1);
      assert.equal(transactions().length, 1);
      assert.notEqual(result?.loadId, "11111111-2222-3333-4444-555555555555");
    });

    it("loads the same generation again with force", async () => {
      const objects = await objectsAt({ "raw/2011-01.csv": JANUARY });
      ledgerHas(objects[0]?.generation ?? "");
      const [result] = await load(objects, { force: true });
      assert.equal(result?.status, "loaded");
      assert.equal(result?.rows, 3);
      assert.equal(fake.jobInserts("load").length, 1);
      assert.equal(transactions().length, 1);
    });

    it("refuses to go on when the ledger cannot be read, naming the URI", async () => {
      const objects = await objectsAt({ "raw/2011-01.csv": JANUARY });
      fake.onQuery = (sql) => (sql === LEDGER_QUERY ? { error: `Access Denied: Table test-project:${DATASETS.raw}.load_ledger` } : { rows: [] });
      await assert.rejects(
        load(objects),
        (error: unknown) =>
          error instanceof LoadError &&
          error.message === `gs://bucket/raw/2011-01.csv: cannot read the load ledger (Access Denied: Table test-project:${DATASETS.raw}.load_ledger). Nothing was loaded.`
      );
      assert.deepEqual(fake.jobInserts("load"), []);
    });
  });

  describe("failures", () => {
    const BAD_LINE =
      "Error while reading data, error message: CSV table references column position 7, but line contains only 3 columns.; line_number: 3 byte_offset_to_start_of_line: 180 column_index: 7";

    it("turns a failed load job into a LoadError with the URI and the job's messages, runs no landing script and drops nothing that exists", async () => {
      const objects = await objectsAt({ "raw/2011-01.csv": JANUARY });
      fake.onLoadJob = () => [BAD_LINE, "Error while reading data, error message: CSV processing encountered too many errors, giving up."];
      await assert.rejects(load(objects), (error: unknown) => {
        assert.ok(error instanceof LoadError);
        const jobId = fake.jobInserts("load")[0]?.jobReference.jobId ?? "";
        assert.equal(
          error.message,
          `gs://bucket/raw/2011-01.csv: load job ${jobId} failed, nothing was loaded: ${BAD_LINE}; Error while reading data, error message: CSV processing encountered too many errors, giving up.`
        );
        assert.ok(error.cause instanceof Error);
        return true;
      });
      assert.deepEqual(transactions(), []);
      assert.equal(fake.requestLines((request) => request.method === "DELETE").length, 1, "the per-load table is dropped if it was created");
    });

    it("turns a failed landing script into a LoadError saying raw_sales is unchanged, and drops the per-load table", async () => {
      const objects = await objectsAt({ "raw/2011-01.csv": JANUARY });
      fake.onQuery = (sql) => (sql.includes("BEGIN TRANSACTION") ? { error: `Transaction is aborted due to concurrent update against table test-project.${DATASETS.raw}.raw_sales.` } : { rows: [] });
      await assert.rejects(
        load(objects),
        (error: unknown) =>
          error instanceof LoadError &&
          error.message ===
            `gs://bucket/raw/2011-01.csv: landing the loaded rows failed (Transaction is aborted due to concurrent update against table test-project.${DATASETS.raw}.raw_sales.). The transaction was rolled back: raw_sales and the ledger are unchanged.`
      );
      assert.deepEqual([...fake.tables], []);
    });

    it("refuses an object deleted since it was listed with a LoadError naming the URI, before any BigQuery request", async () => {
      const objects = await objectsAt({ "raw/2011-01.csv": JANUARY });
      fake.buckets.get("bucket")?.delete("raw/2011-01.csv");
      await assert.rejects(
        load(objects),
        (error: unknown) =>
          error instanceof LoadError &&
          error.message ===
            `gs://bucket/raw/2011-01.csv: cannot read the object (generation ${objects[0]?.generation ?? ""} no longer exists: the object was deleted or overwritten since it was listed).`
      );
      assert.deepEqual(bigQueryRequests(), []);
    });

    it("does nothing for no objects", async () => {
      assert.deepEqual(await load([]), []);
      assert.deepEqual(fake.requests, []);
    });
  });

  describe("isolation from Google", () => {
    it("sends no credentials: createBigQuery with an apiEndpoint authenticates with nothing", async () => {
      const objects = await objectsAt({ "raw/2011-01.csv": JANUARY });
      await load(objects);
      const bigQuery = fake.requests.filter((request) => request.path.startsWith("/bigquery/"));
      assert.ok(bigQuery.length > 0);
      assert.ok(bigQuery.every((request) => request.headers.authorization === undefined));
    });

    it("would fail a BigQuery client that tried to load credentials (the stand-in points them at a missing file)", async () => {
      const authenticating = new BigQuery({ projectId: "test-project", apiEndpoint: fake.endpoint });
      await assert.rejects(authenticating.createQueryJob({ query: "SELECT 1" }), /ecom-test-credentials\.json/);
      assert.deepEqual(fake.requests, []);
    });
  });
});
