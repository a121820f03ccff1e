import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { LoadError } from "../../scripts/errors";
import { ensureRawTables, loadLocalFile, type FileLoadResult } from "../../scripts/loader/duckdb-loader";
import { loadSources } from "../../scripts/loader/load-sources";
import { useLoaderWorkspace, sha256 } from "../support/loader-workspace";
import { DuckDbWarehouse, type Row } from "../../scripts/warehouse/duckdb";
import { EXPORT_HEADER, firstLine, NO_CUSTOMER_LINE, NO_CUSTOMER_VALUES, SOURCE_COLUMNS, type LandedValues } from "../support/export-lines";

const CLASSIC_HEADER = EXPORT_HEADER;
const PADDED_FIRST = firstLine("  WHITE HANGING HEART T-LIGHT HOLDER ");

/** Three data lines in the classic column order; the second has no customer, the first a padded description. */
const CLASSIC_LINES = [PADDED_FIRST.line, NO_CUSTOMER_LINE, "C536379,D,Discount,-1,12/1/2010 9:41,27.5,14527,France"];

/** The eight landed values of CLASSIC_LINES, as the loader must store them (text as written, empty = NULL). */
const CLASSIC_VALUES: LandedValues[] = [
  PADDED_FIRST.values,
  NO_CUSTOMER_VALUES,
  {
    invoice_no: "C536379",
    stock_code: "D",
    description: "Discount",
    quantity: "-1",
    invoice_date: "12/1/2010 9:41",
    unit_price: "27.5",
    customer_id: "14527",
    country: "France",
  },
];

/** Reorders the fields of comma-free CSV lines (and header) by `order`, a permutation of field indexes. */
function reorder(lines: string[], order: number[]): string[] {
  return lines.map((line) => {
    const fields = line.split(",");
    return order.map((index) => fields[index] ?? "").join(",");
  });
}

describe("DuckDB loader", function () {
  const workspace = useLoaderWorkspace("ecom-loader", "loader.duckdb");
  const write = workspace.write;
  let dir: string;
  let warehouse: DuckDbWarehouse;

  before(async () => {
    ({ dir, warehouse } = workspace);
  });

  function csv(header: string, lines: string[], eol = "\n"): string {
    return [header, ...lines].join(eol) + eol;
  }

  /** The landed rows of one source file, in line order, without load id and time. */
  async function rowsOf(sourceFile: string): Promise<Row[]> {
    return warehouse.query(
      `SELECT ${SOURCE_COLUMNS.join(", ")}, _source_file, CAST(_source_row AS INTEGER) AS _source_row
       FROM ecommerce_raw.raw_sales WHERE _source_file = ? ORDER BY _source_row`,
      [sourceFile]
    );
  }

  /** Only the eight source values of one file's rows, in line order. */
  async function valuesOf(sourceFile: string): Promise<Row[]> {
    return warehouse.query(`SELECT ${SOURCE_COLUMNS.join(", ")} FROM ecommerce_raw.raw_sales WHERE _source_file = ? ORDER BY _source_row`, [
      sourceFile,
    ]);
  }

  async function count(sql: string, params: string[] = []): Promise<number> {
    return Number(await warehouse.scalar(sql, params));
  }

  /** Everything in the landing tables, to compare before and after a refused load. */
  async function snapshot(): Promise<{ raw: Row[]; ledger: Row[] }> {
    await ensureRawTables(warehouse);
    return {
      raw: await warehouse.query(
        `SELECT *, CAST(_loaded_at AS VARCHAR) AS loaded FROM ecommerce_raw.raw_sales ORDER BY _source_file, _source_row`
      ),
      ledger: await warehouse.query(`SELECT *, CAST(loaded_at AS VARCHAR) AS loaded FROM ecommerce_raw.load_ledger ORDER BY source_file, loaded_at`),
    };
  }

  /**
   * Loads `file` expecting a LoadError whose message contains every one of `parts`, and checks that
   * raw_sales and load_ledger are exactly as before. Returns the message.
   */
  async function assertRefused(file: string, parts: (string | RegExp)[]): Promise<string> {
    const before = await snapshot();
    let message = "";
    await assert.rejects(loadLocalFile(warehouse, file), (error: unknown) => {
      assert.ok(error instanceof LoadError, `expected a LoadError, got ${String(error)}`);
      message = error.message;
      assert.ok(message.includes(file), `the message names the file: ${message}`);
      for (const part of parts) {
        if (typeof part === "string") assert.ok(message.includes(part), `expected ${JSON.stringify(part)} in: ${message}`);
        else assert.match(message, part);
      }
      return true;
    });
    assert.deepEqual(await snapshot(), before, "a refused load changes nothing");
    return message;
  }

  describe("ensureRawTables", () => {
    it("creates ecommerce_raw.raw_sales and load_ledger with the contract's columns, and can run again", async () => {
      const other = await DuckDbWarehouse.open(path.join(dir, "tables.duckdb"));
      try {
        await ensureRawTables(other);
        await ensureRawTables(other);
        const columns = await other.query(
          `SELECT table_name, column_name, data_type FROM information_schema.columns
           WHERE table_schema = 'ecommerce_raw' ORDER BY table_name, ordinal_position`
        );
        const describe = (table: string) => columns.filter((row) => row.table_name === table).map((row) => `${row.column_name} ${row.data_type}`);
        assert.deepEqual(describe("raw_sales"), [
          ...SOURCE_COLUMNS.map((column) => `${column} VARCHAR`),
          "_source_file VARCHAR",
          "_source_row BIGINT",
          "_load_id VARCHAR",
          "_loaded_at TIMESTAMP",
        ]);
        assert.deepEqual(describe("load_ledger"), [
          "load_id VARCHAR",
          "source_file VARCHAR",
          "source_path VARCHAR",
          "file_size BIGINT",
          "checksum VARCHAR",
          "rows_loaded BIGINT",
          "loaded_at TIMESTAMP",
          "malformed_lines BIGINT",
        ]);
        assert.equal(Number(await other.scalar("SELECT COUNT(*) FROM ecommerce_raw.raw_sales")), 0);
      } finally {
        other.close();
      }
    });
  });

  describe("loadLocalFile", () => {
    /** A file loaded first, whose rows no later test may touch. */
    let bystander: Row[];

    before(async () => {
      const file = write("bystander.csv", csv(CLASSIC_HEADER, ["999999,11111,BYSTANDER LINE,1,12/9/2011 12:50,1,12345,Germany"]));
      await loadLocalFile(warehouse, file);
      bystander = await warehouse.query(`SELECT *, CAST(_loaded_at AS VARCHAR) AS loaded FROM ecommerce_raw.raw_sales WHERE _source_file = 'bystander.csv'`);
      assert.equal(bystander.length, 1);
    });

    afterEach(async () => {
      const now = await warehouse.query(`SELECT *, CAST(_loaded_at AS VARCHAR) AS loaded FROM ecommerce_raw.raw_sales WHERE _source_file = 'bystander.csv'`);
      assert.deepEqual(now, bystander, "another file's rows are untouched");
    });

    describe("column mapping", () => {
      it("lands the three lines of a classic data.csv as text exactly as written, with file name and line number", async () => {
        const bytes = Buffer.from(csv(CLASSIC_HEADER, CLASSIC_LINES), "utf8");
        const file = write("classic.csv", bytes);
        const result = await loadLocalFile(warehouse, file);
        assert.equal(result.file, file);
        assert.equal(result.sourceFile, "classic.csv");
        assert.equal(result.status, "loaded");
        assert.equal(result.rows, 3);
        assert.equal(result.encoding, "utf-8");
        assert.match(result.loadId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

        const rows = await warehouse.query(
          `SELECT *, CAST(_source_row AS INTEGER) AS line FROM ecommerce_raw.raw_sales WHERE _source_file = 'classic.csv' ORDER BY _source_row`
        );
        assert.equal(rows.length, 3);
        const second = rows[1];
        assert.ok(second);
        assert.deepEqual(
          {
            invoice_no: second.invoice_no,
            stock_code: second.stock_code,
            description: second.description,
            quantity: second.quantity,
            invoice_date: second.invoice_date,
            unit_price: second.unit_price,
            customer_id: second.customer_id,
            country: second.country,
            _source_file: second._source_file,
            line: second.line,
            _load_id: second._load_id,
          },
          { ...CLASSIC_VALUES[1], _source_file: "classic.csv", line: 2, _load_id: result.loadId }
        );
        assert.equal(rows[0]?.description, "  WHITE HANGING HEART T-LIGHT HOLDER ", "blanks around a value are kept");
        assert.deepEqual(await valuesOf("classic.csv"), CLASSIC_VALUES);
        assert.deepEqual(
          rows.map((row) => row.line),
          [1, 2, 3]
        );
        assert.ok(rows.every((row) => row._load_id === result.loadId && row._loaded_at !== null));

        const ledger = await warehouse.query(
          `SELECT load_id, source_file, file_size, checksum, rows_loaded FROM ecommerce_raw.load_ledger WHERE source_file = 'classic.csv'`
        );
        assert.deepEqual(ledger, [
          { load_id: result.loadId, source_file: "classic.csv", file_size: String(bytes.length), checksum: sha256(bytes), rows_loaded: "3" },
        ]);
        const loadedAt = await warehouse.query(
          `SELECT COUNT(*) AS n FROM ecommerce_raw.raw_sales r JOIN ecommerce_raw.load_ledger l ON r._load_id = l.load_id AND r._loaded_at = l.loaded_at
           WHERE r._source_file = 'classic.csv'`
        );
        assert.equal(Number(loadedAt[0]?.n), 3, "rows carry the ledger's load time");
      });

      it("lands renamed, lower-case headers into the same columns", async () => {
        const header = "invoice_no, stock code ,DESCRIPTION,quantity,Invoice_Date,unit price,customer_id,COUNTRY";
        const result = await loadLocalFile(warehouse, write("renamed.csv", csv(header, CLASSIC_LINES)));
        assert.equal(result.rows, 3);
        assert.deepEqual(await valuesOf("renamed.csv"), CLASSIC_VALUES);
      });

      it("lands Online Retail II headers (Invoice, Price, Customer ID) into the same columns", async () => {
        const header = "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country";
        const result = await loadLocalFile(warehouse, write("retail-ii.csv", csv(header, CLASSIC_LINES)));
        assert.equal(result.rows, 3);
        assert.deepEqual(await valuesOf("retail-ii.csv"), CLASSIC_VALUES);
      });

      it("lands columns given in another order into the right columns", async () => {
        const order = [7, 6, 5, 4, 3, 2, 1, 0];
        const [header, ...lines] = reorder([CLASSIC_HEADER, ...CLASSIC_LINES], order);
        assert.equal(header, "Country,CustomerID,UnitPrice,InvoiceDate,Quantity,Description,StockCode,InvoiceNo");
        const result = await loadLocalFile(warehouse, write("reordered.csv", csv(header ?? "", lines)));
        assert.equal(result.rows, 3);
        assert.deepEqual(await valuesOf("reordered.csv"), CLASSIC_VALUES);
      });

      it("lands a header that is the file's only line as zero rows, recording the version in the ledger", async () => {
        const bytes = Buffer.from(`${CLASSIC_HEADER}\n`);
        const result = await loadLocalFile(warehouse, write("header-only.csv", bytes));
        assert.equal(result.status, "loaded");
        assert.equal(result.rows, 0);
        assert.equal(await count(`SELECT COUNT(*) FROM ecommerce_raw.raw_sales WHERE _source_file = 'header-only.csv'`), 0);
        assert.deepEqual(
          await warehouse.query(`SELECT file_size, checksum, rows_loaded FROM ecommerce_raw.load_ledger WHERE source_file = 'header-only.csv'`),
          [{ file_size: String(bytes.length), checksum: sha256(bytes), rows_loaded: "0" }]
        );
      });
    });

    describe("refused headers", () => {
      it("refuses a file with a missing column, naming the column and line 1", async () => {
        const [header, ...lines] = reorder([CLASSIC_HEADER, ...CLASSIC_LINES], [0, 1, 2, 3, 4, 6, 7]);
        const file = write("missing-column.csv", csv(header ?? "", lines));
        const message = await assertRefused(file, ["line 1", "UnitPrice", "is missing"]);
        assert.equal(
          message,
          `${file}, line 1: column UnitPrice is missing. Expected: InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country.`
        );
      });

      it("refuses a file with an unknown extra column, naming it", async () => {
        const file = write("extra-column.csv", csv(`${CLASSIC_HEADER},Discount`, CLASSIC_LINES.map((line) => `${line},0`)));
        await assertRefused(file, ["line 1, field 9", 'unknown column "Discount"']);
      });

      it("refuses a semicolon-delimited file, saying the delimiter", async () => {
        const file = write("semicolons.csv", csv(CLASSIC_HEADER.replace(/,/g, ";"), ["536365;85123A;HEART;6;12/1/2010 8:26;2.55;17850;United Kingdom"]));
        const message = await assertRefused(file, ["line 1"]);
        assert.equal(message, `${file}, line 1: fields are separated by ";", not commas. Export the file as comma-separated CSV.`);
      });

      it("refuses an empty (0-byte) file: its header line is empty", async () => {
        const file = write("empty.csv", Buffer.alloc(0));
        const message = await assertRefused(file, []);
        assert.equal(
          message,
          `${file}, line 1: the header line is empty. Expected the eight Online Retail columns: ` +
            "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country."
        );
      });
    });

    describe("encodings and line endings", () => {
      it("recognises the header of a UTF-8 file with a byte order mark and keeps its values intact", async () => {
        const result = await loadLocalFile(warehouse, write("bom.csv", `\uFEFF${csv(CLASSIC_HEADER, CLASSIC_LINES)}`));
        assert.equal(result.rows, 3);
        assert.equal(result.encoding, "utf-8");
        assert.deepEqual(await valuesOf("bom.csv"), CLASSIC_VALUES);
      });

      it("detects ISO-8859-1 from a 0xA3 byte and lands it as £", async () => {
        const bytes = Buffer.concat([
          Buffer.from(`${CLASSIC_HEADER}\n${CLASSIC_LINES[0]}\n536367,GIFT_0001_10,`, "latin1"),
          Buffer.from([0xa3]),
          Buffer.from("10 GIFT VOUCHER,1,12/1/2010 9:00,8.5,,United Kingdom\n", "latin1"),
        ]);
        const result = await loadLocalFile(warehouse, write("latin1.csv", bytes));
        assert.equal(result.encoding, "latin-1");
        assert.equal(result.rows, 2);
        assert.deepEqual(await valuesOf("latin1.csv"), [
          CLASSIC_VALUES[0],
          {
            invoice_no: "536367",
            stock_code: "GIFT_0001_10",
            description: "£10 GIFT VOUCHER",
            quantity: "1",
            invoice_date: "12/1/2010 9:00",
            unit_price: "8.5",
            customer_id: null,
            country: "United Kingdom",
          },
        ]);
      });

      describe("when the head of the file misleads (the landing that began on it is done again)", () => {
        // More than the early landing guesses from (the first 8 MiB of a plain file, 1 MiB of a gzip file),
        // all ASCII, so the sample looks like UTF-8; descriptions that never repeat keep its gzip over 1 MiB.
        const headLines = 100_000;
        const asciiLines = Array.from(
          { length: headLines },
          (_unused, index) => `${540000 + index},22633,${createHash("md5").update(String(index)).digest("hex").toUpperCase()},6,12/1/2010 8:28,1.85,17850,United Kingdom`
        );
        const head = Buffer.from(`${CLASSIC_HEADER}\n${asciiLines.join("\n")}\n`, "latin1");
        const rows = headLines + 1;
        // Files of 100,001 lines land in a warehouse of their own: other tests compare the whole raw table.
        const large = useLoaderWorkspace("ecom-loader-large", "large.duckdb");
        const write = large.write;
        let warehouse: DuckDbWarehouse;
        before(() => {
          warehouse = large.warehouse;
        });
        const lastDescription = async (sourceFile: string) =>
          (await warehouse.query(`SELECT description FROM ecommerce_raw.raw_sales WHERE _source_file = ? ORDER BY _source_row DESC LIMIT 1`, [sourceFile]))[0]?.description;
        /** Runs `work`, recording what the connection was asked (run and query), in order. */
        const recordingStatements = async (work: () => Promise<void>): Promise<string[]> => {
          const asked: string[] = [];
          const run = warehouse.run.bind(warehouse);
          const query = warehouse.query.bind(warehouse);
          warehouse.run = (sql, params) => (asked.push(sql), run(sql, params));
          warehouse.query = (sql, params) => (asked.push(sql), query(sql, params));
          try {
            await work();
          } finally {
            warehouse.run = run;
            warehouse.query = query;
          }
          return asked;
        };
        /** The encodings of the landings among recorded statements, in order. */
        const landingEncodings = (asked: string[]) => asked.filter((sql) => sql.startsWith("CREATE TEMP TABLE")).map((sql) => /encoding = '([^']+)'/.exec(sql)?.[1]);

        it("lands an ISO-8859-1 £ past the first 64 KiB as £, plain or gzip", async () => {
          assert.ok(head.length > 8 * 1024 * 1024 && zlib.gzipSync(head).length > 1024 * 1024);
          const bytes = Buffer.concat([head, Buffer.from("541200,GIFT_0001_10,", "latin1"), Buffer.from([0xa3]), Buffer.from("10 GIFT VOUCHER,1,12/1/2010 9:00,8.5,,United Kingdom\n", "latin1")]);
          for (const [name, content] of [["late-pound.csv", bytes], ["late-pound.csv.gz", zlib.gzipSync(bytes)]] as const) {
            const result = await loadLocalFile(warehouse, write(name, content));
            assert.equal(result.encoding, "latin-1");
            assert.equal(result.rows, rows);
            assert.equal(await lastDescription(name), "£10 GIFT VOUCHER");
            const numbered = await warehouse.scalar(`SELECT COUNT(DISTINCT _source_row) FROM ecommerce_raw.raw_sales WHERE _source_file = ? AND _source_row BETWEEN 1 AND ${rows}`, [name]);
            assert.equal(Number(numbered), rows);
          }
        });

        it("reads the file as ISO-8859-1 from the start when the £ is past the first 64 KiB but within the sample", async () => {
          const sampleHead = Buffer.from(`${CLASSIC_HEADER}\n${asciiLines.slice(0, 2000).join("\n")}\n`, "latin1");
          assert.ok(sampleHead.length > 64 * 1024 && sampleHead.length < 1024 * 1024);
          const bytes = Buffer.concat([sampleHead, Buffer.from("541200,GIFT_0001_10,", "latin1"), Buffer.from([0xa3]), Buffer.from("30 GIFT VOUCHER,1,12/1/2010 9:00,25.5,,United Kingdom\n", "latin1")]);
          const asked = await recordingStatements(async () => {
            const result = await loadLocalFile(warehouse, write("sampled-pound.csv", bytes));
            assert.equal(result.encoding, "latin-1");
            assert.equal(result.rows, 2001);
            assert.equal(await lastDescription("sampled-pound.csv"), "£30 GIFT VOUCHER");
          });
          assert.deepEqual(landingEncodings(asked), ["latin-1"]);
        });

        it("reads the file again as ISO-8859-1 as soon as DuckDB meets the £, before the probe's verdict, and keeps that landing", async () => {
          const bytes = Buffer.concat([head, Buffer.from("541200,GIFT_0001_10,", "latin1"), Buffer.from([0xa3]), Buffer.from("20 GIFT VOUCHER,1,12/1/2010 9:00,17,,United Kingdom\n", "latin1")]);
          const file = write("early-retry.csv", bytes);
          // What the connection was asked, in order: the landings, and the ledger read that follows the probe.
          const asked = await recordingStatements(async () => {
            const result = await loadLocalFile(warehouse, file);
            assert.equal(result.encoding, "latin-1");
            assert.equal(await lastDescription("early-retry.csv"), "£20 GIFT VOUCHER");
          });
          assert.deepEqual(landingEncodings(asked), ["utf-8", "latin-1"]);
          const secondLanding = asked.findIndex((sql) => sql.startsWith("CREATE TEMP TABLE") && sql.includes("encoding = 'latin-1'"));
          const versionCheck = asked.findIndex((sql) => sql.includes("SELECT source_file, load_id, checksum"));
          assert.ok(versionCheck > secondLanding, "the ISO-8859-1 landing starts before the probe's verdict is acted on");
        });

        it("lands a Windows-1252 € past the first 64 KiB as €", async () => {
          const bytes = Buffer.concat([head, Buffer.from("541200,GIFT_0001_10,", "latin1"), Buffer.from([0x80]), Buffer.from("10 GIFT VOUCHER,1,12/1/2010 9:00,8.5,,France\n", "latin1")]);
          const result = await loadLocalFile(warehouse, write("late-euro.csv", bytes));
          assert.equal(result.encoding, "windows-1252");
          assert.equal(result.rows, rows);
          assert.equal(await lastDescription("late-euro.csv"), "€10 GIFT VOUCHER");
        });

        it("replaces a file whose new version has the old one's name and size (no early landing) with the new content", async () => {
          const first = Buffer.from(csv(CLASSIC_HEADER, ["536365,85123A,WHITE HEART,6,12/1/2010 8:26,2.55,17850,United Kingdom"]));
          const second = Buffer.from(csv(CLASSIC_HEADER, ["536365,85123A,WHITE HEART,7,12/1/2010 8:26,2.55,17850,United Kingdom"]));
          assert.equal(first.length, second.length);
          const file = write("same-size.csv", first);
          assert.equal((await loadLocalFile(warehouse, file)).status, "loaded");
          assert.equal((await loadLocalFile(warehouse, file)).status, "unchanged");
          fs.writeFileSync(file, second);
          const replaced = await loadLocalFile(warehouse, file);
          assert.equal(replaced.status, "replaced");
          assert.deepEqual(await warehouse.query(`SELECT quantity FROM ecommerce_raw.raw_sales WHERE _source_file = 'same-size.csv'`), [{ quantity: "7" }]);
        });
      });

      it("detects UTF-8 for £ written as C2 A3 and lands the same text", async () => {
        const bytes = Buffer.from(`${CLASSIC_HEADER}\n536367,GIFT_0001_10,£10 GIFT VOUCHER,1,12/1/2010 9:00,8.5,,United Kingdom\n`, "utf8");
        assert.ok(bytes.includes(Buffer.from([0xc2, 0xa3])));
        const result = await loadLocalFile(warehouse, write("utf8-pound.csv", bytes));
        assert.equal(result.encoding, "utf-8");
        assert.equal(await warehouse.scalar(`SELECT description FROM ecommerce_raw.raw_sales WHERE _source_file = 'utf8-pound.csv'`), "£10 GIFT VOUCHER");
        assert.equal(
          await count(`SELECT COUNT(*) FROM ecommerce_raw.raw_sales WHERE _source_file IN ('utf8-pound.csv', 'latin1.csv') AND description = '£10 GIFT VOUCHER'`),
          2
        );
      });

      it("lands CRLF files without a trailing carriage return in the last column", async () => {
        const result = await loadLocalFile(warehouse, write("crlf.csv", csv(CLASSIC_HEADER, CLASSIC_LINES, "\r\n")));
        assert.equal(result.rows, 3);
        assert.deepEqual(await valuesOf("crlf.csv"), CLASSIC_VALUES);
        assert.equal(await count(`SELECT COUNT(*) FROM ecommerce_raw.raw_sales WHERE _source_file = 'crlf.csv' AND country LIKE '%' || chr(13) || '%'`), 0);
      });
    });

    describe("quoting", () => {
      it("reads quoted commas, doubled quotes and a quoted newline, numbering rows by record", async () => {
        const lines = [
          '536370,22728,"ALARM CLOCK BAKELIKE PINK, ""RETRO""",24,12/1/2010 8:45,3.75,12583,France',
          '536371,22086,"PAPER CHAIN KIT',
          '50\'S CHRISTMAS ",80,12/1/2010 9:00,2.55,13748,United Kingdom',
          "536372,22632,HAND WARMER RED POLKA DOT,6,12/1/2010 9:01,1.85,17850,United Kingdom",
        ];
        const result = await loadLocalFile(warehouse, write("quoted.csv", csv(CLASSIC_HEADER, lines)));
        assert.equal(result.rows, 3, "a quoted newline does not start a new row");
        assert.deepEqual(await rowsOf("quoted.csv"), [
          {
            invoice_no: "536370",
            stock_code: "22728",
            description: 'ALARM CLOCK BAKELIKE PINK, "RETRO"',
            quantity: "24",
            invoice_date: "12/1/2010 8:45",
            unit_price: "3.75",
            customer_id: "12583",
            country: "France",
            _source_file: "quoted.csv",
            _source_row: 1,
          },
          {
            invoice_no: "536371",
            stock_code: "22086",
            description: "PAPER CHAIN KIT\n50'S CHRISTMAS ",
            quantity: "80",
            invoice_date: "12/1/2010 9:00",
            unit_price: "2.55",
            customer_id: "13748",
            country: "United Kingdom",
            _source_file: "quoted.csv",
            _source_row: 2,
          },
          {
            invoice_no: "536372",
            stock_code: "22632",
            description: "HAND WARMER RED POLKA DOT",
            quantity: "6",
            invoice_date: "12/1/2010 9:01",
            unit_price: "1.85",
            customer_id: "17850",
            country: "United Kingdom",
            _source_file: "quoted.csv",
            // The record after the two-line one is data record 3 (physical data line 4).
            _source_row: 3,
          },
        ]);
      });

      it("refuses a broken (unterminated) quote, naming the file and the line where it starts", async () => {
        const lines = [CLASSIC_LINES[0] ?? "", '536366,22633,"HAND WARMER UNION JACK,6,12/1/2010 8:28,1.85,,United Kingdom', CLASSIC_LINES[2] ?? ""];
        const file = write("broken-quote.csv", csv(CLASSIC_HEADER, lines));
        const message = await assertRefused(file, []);
        assert.equal(
          message,
          `${file}: 1 malformed line(s); nothing was loaded from this file.\n` +
            '  line 3: a quoted field is not closed on this line: 536366,22633,"HAND WARMER UNION JACK,6,12/1/2010 8:28,1.85,,United Kingdom\n' +
            "Fix these lines, or load with --max-bad-lines 1 to set them aside in ecommerce_raw.raw_sales_malformed and land the rest."
        );
      });

      it("refuses a ragged line with too many fields, naming the file, the line and the field counts", async () => {
        const lines = [CLASSIC_LINES[0] ?? "", CLASSIC_LINES[1] ?? "", "536380,22961,JAM MAKING SET PRINTED,12,12/1/2010 9:41,1.45,14527,United Kingdom,EXTRA"];
        const file = write("ragged.csv", csv(CLASSIC_HEADER, lines));
        const message = await assertRefused(file, []);
        assert.equal(
          message,
          `${file}: 1 malformed line(s); nothing was loaded from this file.\n` +
            "  line 4: expected 8 fields, found 9: 536380,22961,JAM MAKING SET PRINTED,12,12/1/2010 9:41,1.45,14527,United Kingdom,EXTRA\n" +
            "Fix these lines, or load with --max-bad-lines 1 to set them aside in ecommerce_raw.raw_sales_malformed and land the rest."
        );
      });

      it("lists every malformed line of a file deep into it, by physical line (header = line 1), not just the first", async () => {
        const lines: string[] = [];
        for (let line = 1; line <= 5000; line += 1) {
          if (line === 4321) lines.push(`${line},A,X,${line},d,1,,UK,EXTRA`);
          else if (line === 4500) lines.push(`${line},A,X,${line},d,1`);
          else lines.push(`${line},A,X,${line},d,1,,UK`);
        }
        const file = write("ragged-deep.csv", csv(CLASSIC_HEADER, lines));
        await assertRefused(file, [
          `${file}: 2 malformed line(s)`,
          "  line 4322: expected 8 fields, found 9: 4321,A,X,4321,d,1,,UK,EXTRA\n",
          "  line 4501: expected 8 fields, found 6: 4500,A,X,4500,d,1\n",
          "load with --max-bad-lines 2",
        ]);
      });

      it("with --max-bad-lines, sets malformed lines aside, lands the rest with their own line numbers, and counts them", async () => {
        const lines = [
          CLASSIC_LINES[0] ?? "",
          "536380,22961,JAM MAKING SET PRINTED,12,12/1/2010 9:41,1.45,14527,United Kingdom,EXTRA",
          CLASSIC_LINES[1] ?? "",
          '536366,22633,"HAND WARMER UNION JACK,6,12/1/2010 8:28,1.85,,United Kingdom',
          CLASSIC_LINES[2] ?? "",
        ];
        const file = write("kept-aside.csv", csv(CLASSIC_HEADER, lines));
        await assert.rejects(loadLocalFile(warehouse, file, { maxBadLines: 1 }), /2 malformed line\(s\).*\n[\s\S]*That is more than --max-bad-lines 1/);
        const result = await loadLocalFile(warehouse, file, { maxBadLines: 2 });
        assert.equal(result.rows, 3);
        assert.equal(result.malformedLines, 2);
        // Values exactly as written (padding kept, empty = NULL), and the good records keep their
        // places in the file: records 1, 3 and 5 (2 and 4 are the bad ones).
        assert.deepEqual(await valuesOf("kept-aside.csv"), CLASSIC_VALUES);
        assert.deepEqual(
          await warehouse.query("SELECT CAST(_source_row AS INTEGER) AS line FROM ecommerce_raw.raw_sales WHERE _source_file = 'kept-aside.csv' ORDER BY line"),
          [{ line: 1 }, { line: 3 }, { line: 5 }]
        );
        assert.deepEqual(
          await warehouse.query("SELECT CAST(line_number AS INTEGER) AS line, problem, raw_line FROM ecommerce_raw.raw_sales_malformed WHERE source_file = 'kept-aside.csv' ORDER BY line"),
          [
            { line: 3, problem: "expected 8 fields, found 9", raw_line: "536380,22961,JAM MAKING SET PRINTED,12,12/1/2010 9:41,1.45,14527,United Kingdom,EXTRA" },
            { line: 5, problem: "a quoted field is not closed on this line", raw_line: '536366,22633,"HAND WARMER UNION JACK,6,12/1/2010 8:28,1.85,,United Kingdom' },
          ]
        );
        assert.deepEqual(await warehouse.query("SELECT rows_loaded, malformed_lines FROM ecommerce_raw.load_ledger WHERE source_file = 'kept-aside.csv'"), [
          { rows_loaded: "3", malformed_lines: "2" },
        ]);
      });
    });

    describe("gzip", () => {
      const gzipLines = Array.from(
        { length: 600 },
        (_unused, index) => `${536365 + Math.floor(index / 7)},${20000 + ((index * 7919) % 9973)},ITEM NUMBER ${(index * 104729) % 100003},${index + 1},12/1/2010 8:26,2.55,${index % 3 === 0 ? "" : 17000 + index},United Kingdom`
      );

      it("lands a .csv.gz with exactly the rows of the same plain file", async () => {
        const text = csv(CLASSIC_HEADER, gzipLines);
        const plain = await loadLocalFile(warehouse, write("gz-source.csv", text));
        const compressed = await loadLocalFile(warehouse, write("gz-source.csv.gz", zlib.gzipSync(Buffer.from(text))));
        assert.equal(plain.rows, 600);
        assert.equal(compressed.rows, 600);
        assert.equal(compressed.sourceFile, "gz-source.csv.gz");
        const strip = (rows: Row[]) => rows.map(({ _source_file: _ignored, ...rest }) => rest);
        const plainRows = await rowsOf("gz-source.csv");
        assert.equal(plainRows.length, 600);
        assert.deepEqual(strip(await rowsOf("gz-source.csv.gz")), strip(plainRows));
      });

      it("lands a gzip file without a .gz extension (detected by its magic bytes)", async () => {
        const result = await loadLocalFile(warehouse, write("gz-no-extension.csv", zlib.gzipSync(Buffer.from(csv(CLASSIC_HEADER, CLASSIC_LINES)))));
        assert.equal(result.rows, 3);
        assert.deepEqual(await valuesOf("gz-no-extension.csv"), CLASSIC_VALUES);
      });

      it("refuses a truncated .csv.gz, naming the file", async () => {
        const compressed = zlib.gzipSync(Buffer.from(csv(CLASSIC_HEADER, gzipLines)));
        const file = write("truncated.csv.gz", compressed.subarray(0, Math.floor(compressed.length / 2)));
        const message = await assertRefused(file, ["damaged or truncated"]);
        assert.equal(message, `${file}: the gzip data is damaged or truncated (unexpected end of file). Nothing was loaded; fetch or compress the file again.`);
      });
    });

    describe("file versions", () => {
      it("adds nothing for the same version, replaces a changed version's rows, and keeps them when a later version is refused", async () => {
        const name = "versions.csv";
        // The same lines as classic.csv: allowed as a copy, this test is about versions of one name.
        const first = await loadLocalFile(warehouse, write(name, csv(CLASSIC_HEADER, CLASSIC_LINES)), { allowCopies: true });
        assert.equal(first.status, "loaded");
        const rawCount = () => count(`SELECT COUNT(*) FROM ecommerce_raw.raw_sales WHERE _source_file = ?`, [name]);
        const ledgerCount = () => count(`SELECT COUNT(*) FROM ecommerce_raw.load_ledger WHERE source_file = ?`, [name]);
        const totalRaw = await count(`SELECT COUNT(*) FROM ecommerce_raw.raw_sales`);

        const again = await loadLocalFile(warehouse, path.join(dir, name));
        assert.equal(again.status, "unchanged");
        assert.equal(again.rows, 3);
        assert.equal(again.loadId, first.loadId);
        assert.equal(await rawCount(), 3);
        assert.equal(await ledgerCount(), 1);
        assert.equal(await count(`SELECT COUNT(*) FROM ecommerce_raw.raw_sales`), totalRaw);

        // Version 2: the second line's quantity changes and a fourth line is added.
        const changed = [
          CLASSIC_LINES[0] ?? "",
          "536366,22633,HAND WARMER UNION JACK,12,12/1/2010 8:28,1.85,,United Kingdom",
          CLASSIC_LINES[2] ?? "",
          "536381,82567,AIRLINE LOUNGE METAL SIGN,2,12/1/2010 9:41,2.1,15311,Spain",
        ];
        const bytes2 = Buffer.from(csv(CLASSIC_HEADER, changed));
        const second = await loadLocalFile(warehouse, write(name, bytes2));
        assert.equal(second.status, "replaced");
        assert.equal(second.rows, 4);
        assert.notEqual(second.loadId, first.loadId);
        assert.deepEqual(await valuesOf(name), [
          CLASSIC_VALUES[0],
          { ...CLASSIC_VALUES[1], quantity: "12" },
          CLASSIC_VALUES[2],
          {
            invoice_no: "536381",
            stock_code: "82567",
            description: "AIRLINE LOUNGE METAL SIGN",
            quantity: "2",
            invoice_date: "12/1/2010 9:41",
            unit_price: "2.1",
            customer_id: "15311",
            country: "Spain",
          },
        ]);
        assert.deepEqual(
          await warehouse.query(`SELECT DISTINCT _load_id, CAST(_source_row AS INTEGER) AS line FROM ecommerce_raw.raw_sales WHERE _source_file = ? ORDER BY line`, [name]),
          [1, 2, 3, 4].map((line) => ({ _load_id: second.loadId, line })),
          "only the new version's rows remain"
        );
        assert.equal(await count(`SELECT COUNT(*) FROM ecommerce_raw.raw_sales WHERE _load_id = ?`, [first.loadId]), 0);
        assert.equal(await ledgerCount(), 2);
        assert.deepEqual(
          await warehouse.query(`SELECT load_id, checksum, rows_loaded FROM ecommerce_raw.load_ledger WHERE source_file = ? ORDER BY loaded_at`, [name]),
          [
            { load_id: first.loadId, checksum: sha256(Buffer.from(csv(CLASSIC_HEADER, CLASSIC_LINES))), rows_loaded: "3" },
            { load_id: second.loadId, checksum: sha256(bytes2), rows_loaded: "4" },
          ]
        );
        assert.equal(await count(`SELECT COUNT(*) FROM ecommerce_raw.raw_sales`), totalRaw + 1);

        const third = await loadLocalFile(warehouse, path.join(dir, name));
        assert.equal(third.status, "unchanged");
        assert.equal(third.loadId, second.loadId);
        assert.equal(await ledgerCount(), 2);

        // Version 3 is broken: it is refused and version 2 stays in place.
        const broken = write(name, csv(CLASSIC_HEADER, [...changed, "536382,1,X,1,d,1,,UK,EXTRA"]));
        await assertRefused(broken, ["expected 8 fields, found 9"]);
        assert.equal(await rawCount(), 4);
        assert.equal(await ledgerCount(), 2);
      });
    });

    describe("files of the same name", () => {
      it("refuses two files of one name in one load, before anything lands", async () => {
        const first = write(path.join("year-2010", "sales.csv"), csv(CLASSIC_HEADER, CLASSIC_LINES));
        const second = write(path.join("year-2011", "sales.csv"), csv(CLASSIC_HEADER, CLASSIC_LINES.slice(0, 1)));
        const before = await snapshot();
        await assert.rejects(loadSources(warehouse, [first, second]), (error: unknown) => {
          assert.ok(error instanceof LoadError);
          assert.equal(
            error.message,
            `2 files are named sales.csv (${first}, ${second}). A file is identified by its name, so each would replace the one ` +
              "loaded before it. Rename them (e.g. sales-2010.csv, sales-2011.csv) and load again; nothing was loaded."
          );
          return true;
        });
        assert.deepEqual(await snapshot(), before);
      });

      it("says where the earlier version came from when a file of the same name from elsewhere replaces it", async () => {
        const first = write(path.join("from-a", "moved.csv"), csv(CLASSIC_HEADER, CLASSIC_LINES));
        const second = write(path.join("from-b", "moved.csv"), csv(CLASSIC_HEADER, CLASSIC_LINES.slice(0, 2)));
        const [loaded] = await loadSources(warehouse, [first], undefined, { allowCopies: true });
        assert.equal(loaded?.status, "loaded");
        assert.equal(loaded?.previousPath, undefined);
        const [replaced] = await loadSources(warehouse, [second], undefined, { allowCopies: true });
        assert.equal(replaced?.status, "replaced");
        assert.equal(replaced?.previousPath, path.resolve(first));
        assert.equal(await count(`SELECT COUNT(*) FROM ecommerce_raw.raw_sales WHERE _source_file = 'moved.csv'`), 2);
      });
    });

    describe("line numbers", () => {
      it("numbers every row of a 1,000-line file with its data line number", async () => {
        const lines = Array.from({ length: 1000 }, (_unused, index) => `${536365 + (index % 37)},85123A,LINE ${index + 1},${index + 1},12/1/2010 8:26,2.55,,United Kingdom`);
        const result = await loadLocalFile(warehouse, write("thousand.csv", csv(CLASSIC_HEADER, lines)));
        assert.equal(result.rows, 1000);
        const [stats] = await warehouse.query(
          `SELECT COUNT(*) AS n, COUNT(*) FILTER (WHERE CAST(quantity AS BIGINT) = _source_row) AS matching,
                  COUNT(DISTINCT _source_row) AS distinct_rows, MIN(_source_row) AS first, MAX(_source_row) AS last
           FROM ecommerce_raw.raw_sales WHERE _source_file = 'thousand.csv'`
        );
        assert.deepEqual(stats, { n: "1000", matching: "1000", distinct_rows: "1000", first: "1", last: "1000" });
      });

      it("keeps line numbers exact across DuckDB row groups (250,000 lines)", async () => {
        const total = 250_000;
        const parts: string[] = [CLASSIC_HEADER];
        for (let line = 1; line <= total; line += 1) parts.push(`${536365 + (line % 997)},${10000 + (line % 4999)},ITEM ${line % 3701},${line},12/1/2010 8:26,2.55,,United Kingdom`);
        const result = await loadLocalFile(warehouse, write("large.csv", `${parts.join("\n")}\n`));
        assert.equal(result.rows, total);
        const [stats] = await warehouse.query(
          `SELECT COUNT(*) AS n, COUNT(*) FILTER (WHERE CAST(quantity AS BIGINT) = _source_row) AS matching
           FROM ecommerce_raw.raw_sales WHERE _source_file = 'large.csv'`
        );
        assert.deepEqual(stats, { n: String(total), matching: String(total) });
      });
    });
  });
});
