import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import ExcelJS from "exceljs";
import { compileProject } from "../../scripts/dataform/compile";
import { LoadError } from "../../scripts/errors";
import { ensureRawTables, loadLocalFile, type FileLoadResult } from "../../scripts/loader/duckdb-loader";
import { loadFile, loadSources } from "../../scripts/loader/load-sources";
import { PROJECT_ROOT } from "../../scripts/paths";
import { runGraph } from "../../scripts/runner/duckdb-runner";
import { useLoaderWorkspace, sha256 } from "../support/loader-workspace";
import { DuckDbWarehouse, type Row } from "../../scripts/warehouse/duckdb";
import { EXPORT_HEADER, firstLine, NO_CUSTOMER_LINE, NO_CUSTOMER_VALUES, SOURCE_COLUMNS, type LandedValues } from "../support/export-lines";

/**
 * The files people really have: Excel's other encodings, old Mac line endings, exports joined with
 * `cat`, copies under another name, workbooks (made by exceljs and by LibreOffice), zip archives,
 * and files that are no CSV at all. Every expected value is written out by hand.
 */
const HEADER = EXPORT_HEADER;
const COLUMNS = SOURCE_COLUMNS;
type Values = LandedValues;

const { line: LINE_1, values: VALUES_1 } = firstLine();
const LINE_2 = NO_CUSTOMER_LINE;
const VALUES_2: Values = NO_CUSTOMER_VALUES;
/** A Windows-1252 line's text: the euro sign, curly double and single quotes, en and em dashes. */
const WINDOWS_TEXT = "€5 “GIFT” ‘TAG’ – SET — RED";
const WINDOWS_VALUES: Values = { ...VALUES_2, description: WINDOWS_TEXT };


describe("loader: the files people really have", function () {
  const workspace = useLoaderWorkspace("ecom-formats", "formats.duckdb");
  const write = workspace.write;
  let dir: string;
  let warehouse: DuckDbWarehouse;

  before(async () => {
    ({ dir, warehouse } = workspace);
    await ensureRawTables(warehouse);
  });

  async function valuesOf(sourceFile: string): Promise<Row[]> {
    return warehouse.query(`SELECT ${COLUMNS.join(", ")} FROM ecommerce_raw.raw_sales WHERE _source_file = ? ORDER BY _source_row`, [sourceFile]);
  }

  async function rowNumbersOf(sourceFile: string): Promise<number[]> {
    const rows = await warehouse.query(`SELECT CAST(_source_row AS INTEGER) AS n FROM ecommerce_raw.raw_sales WHERE _source_file = ? ORDER BY n`, [sourceFile]);
    return rows.map((row) => Number(row.n));
  }

  async function snapshot(): Promise<{ raw: Row[]; ledger: Row[]; malformed: Row[] }> {
    return {
      raw: await warehouse.query(`SELECT *, CAST(_loaded_at AS VARCHAR) AS loaded FROM ecommerce_raw.raw_sales ORDER BY _source_file, _source_row`),
      ledger: await warehouse.query(`SELECT *, CAST(loaded_at AS VARCHAR) AS loaded FROM ecommerce_raw.load_ledger ORDER BY source_file, loaded_at`),
      malformed: await warehouse.query(`SELECT * FROM ecommerce_raw.raw_sales_malformed ORDER BY source_file, line_number`),
    };
  }

  /** Loads `file` through loadFile expecting a refusal with exactly `message`, the warehouse unchanged. */
  async function assertRefused(file: string, message: string, options = {}): Promise<void> {
    const before = await snapshot();
    await assert.rejects(loadFile(warehouse, file, options), (error: unknown) => {
      assert.ok(error instanceof LoadError, `expected a LoadError, got ${String(error)}`);
      assert.equal(error.message, message);
      return true;
    });
    assert.deepEqual(await snapshot(), before, "a refused file changes nothing");
  }

  describe("encodings and line endings", () => {
    it("detects Windows-1252 from its 0x80-0x9F bytes and lands € “ ” ‘ ’ – — as those characters", async () => {
      const bytes = Buffer.concat([
        Buffer.from(`${HEADER}\r\n${LINE_1}\r\n536366,22633,`, "latin1"),
        // € 5 space “ GIFT ” space ‘ TAG ’ space – space SET space — space RED, byte by byte.
        Buffer.from([0x80, 0x35, 0x20, 0x93]),
        Buffer.from("GIFT", "latin1"),
        Buffer.from([0x94, 0x20, 0x91]),
        Buffer.from("TAG", "latin1"),
        Buffer.from([0x92, 0x20, 0x96]),
        Buffer.from(" SET ", "latin1"),
        Buffer.from([0x97]),
        Buffer.from(" RED,6,12/1/2010 8:28,1.85,,United Kingdom\r\n", "latin1"),
      ]);
      const result = await loadLocalFile(warehouse, write("windows-1252.csv", bytes));
      assert.equal(result.encoding, "windows-1252");
      assert.equal(result.rows, 2);
      assert.deepEqual(await valuesOf("windows-1252.csv"), [VALUES_1, WINDOWS_VALUES]);
      const description = String((await valuesOf("windows-1252.csv"))[1]?.description);
      assert.deepEqual([...description.slice(0, 1)].map((char) => char.codePointAt(0)), [0x20ac], "the euro sign, not a control character");
      assert.deepEqual(
        await warehouse.query(`SELECT file_size, checksum FROM ecommerce_raw.load_ledger WHERE source_file = 'windows-1252.csv'`),
        [{ file_size: String(bytes.length), checksum: sha256(bytes) }],
        "the ledger records the bytes on disk, not the converted text"
      );
    });

    it("reads a file as Windows-1252 when told with --encoding, even with no byte that says so", async () => {
      // 0xA3 is £ in both ISO-8859-1 and Windows-1252: detected as latin-1, read as told.
      const bytes = Buffer.concat([Buffer.from(`${HEADER}\n536367,GIFT_0001_10,`), Buffer.from([0xa3]), Buffer.from("10 VOUCHER,1,12/1/2010 9:00,8.5,,United Kingdom\n")]);
      const result = await loadLocalFile(warehouse, write("told-1252.csv", bytes), { encoding: "windows-1252" });
      assert.equal(result.encoding, "windows-1252");
      assert.equal(await warehouse.scalar(`SELECT description FROM ecommerce_raw.raw_sales WHERE _source_file = 'told-1252.csv'`), "£10 VOUCHER");
    });

    it("lands a UTF-16 LE export with its byte order mark (Excel's 'Unicode text' saved as CSV)", async () => {
      const text = `${HEADER}\r\n${LINE_1}\r\n536366,22633,${WINDOWS_TEXT},6,12/1/2010 8:28,1.85,,United Kingdom\r\n`;
      const result = await loadLocalFile(warehouse, write("utf16le.csv", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")])));
      assert.equal(result.encoding, "utf-16le");
      assert.deepEqual(await valuesOf("utf16le.csv"), [VALUES_1, WINDOWS_VALUES]);
    });

    it("lands a UTF-16 BE file with its byte order mark", async () => {
      const text = `${HEADER}\n${LINE_1}\n${LINE_2}\n`;
      const littleEndian = Buffer.from(text, "utf16le");
      const bigEndian = Buffer.alloc(littleEndian.length);
      for (let index = 0; index < littleEndian.length; index += 2) {
        bigEndian[index] = littleEndian[index + 1] as number;
        bigEndian[index + 1] = littleEndian[index] as number;
      }
      const result = await loadLocalFile(warehouse, write("utf16be.csv", Buffer.concat([Buffer.from([0xfe, 0xff]), bigEndian])));
      assert.equal(result.encoding, "utf-16be");
      assert.deepEqual(await valuesOf("utf16be.csv"), [VALUES_1, VALUES_2]);
    });

    it("lands old Mac files whose lines end in CR alone, with no CR left in the values", async () => {
      const result = await loadLocalFile(warehouse, write("mac.csv", `${HEADER}\r${LINE_1}\r${LINE_2}\r`));
      assert.equal(result.rows, 2);
      assert.deepEqual(await valuesOf("mac.csv"), [VALUES_1, VALUES_2]);
      assert.deepEqual(await rowNumbersOf("mac.csv"), [1, 2]);
    });

    it("refuses UTF-16 without a byte order mark, naming it and the --encoding that reads it; that encoding then loads it", async () => {
      const file = write("utf16-no-bom.csv", Buffer.from(`${HEADER}\r\n${LINE_1}\r\n`, "utf16le"));
      await assertRefused(file, `${file} is UTF-16 (little-endian) text without a byte order mark. Load it with --encoding utf-16le, or save it as UTF-8.`);
      const [result] = await loadFile(warehouse, file, { encoding: "utf-16le" });
      assert.equal(result?.rows, 1);
      assert.deepEqual(await valuesOf("utf16-no-bom.csv"), [VALUES_1]);
    });
  });

  describe("repeated headers", () => {
    it("skips and counts the header of a second export joined with cat (case and blanks differing), keeping line numbers", async () => {
      const text = `${HEADER}\n${LINE_1}\n invoiceno, stockcode,DESCRIPTION,Quantity,Invoice_Date,unit price,customer id,country\n${LINE_2}\n`;
      const result = await loadLocalFile(warehouse, write("joined.csv", text));
      assert.equal(result.rows, 2);
      assert.equal(result.repeatedHeaders, 1);
      assert.deepEqual(await valuesOf("joined.csv"), [VALUES_1, VALUES_2]);
      // Record 2 was the repeated header: the second export's line keeps its place (record 3, line 4).
      assert.deepEqual(await rowNumbersOf("joined.csv"), [1, 3]);
    });

    it("skips two Excel 'CSV UTF-8' exports' second header, BOM and all, also on the slow path of a malformed line", async () => {
      const part = (line: string) => `\uFEFF${HEADER}\r\n${line}\r\n`;
      const file = write("joined-bom.csv", part(LINE_1) + part(LINE_2));
      const result = await loadLocalFile(warehouse, file);
      assert.deepEqual([result.rows, result.repeatedHeaders], [2, 1]);
      assert.deepEqual(await valuesOf("joined-bom.csv"), [VALUES_1, VALUES_2]);
      assert.equal(await warehouse.scalar(`SELECT COUNT(*) FROM ecommerce_raw.raw_sales WHERE _source_file = 'joined-bom.csv' AND invoice_no LIKE '%' || chr(65279) || '%'`), "0");

      const withBad = write("joined-bom-bad.csv", part(LINE_1) + part(LINE_2) + "1,2,3\r\n");
      const kept = await loadLocalFile(warehouse, withBad, { maxBadLines: 1 });
      assert.deepEqual([kept.rows, kept.repeatedHeaders, kept.malformedLines], [2, 1, 1]);
      assert.deepEqual(await valuesOf("joined-bom-bad.csv"), [VALUES_1, VALUES_2]);
      assert.deepEqual(await rowNumbersOf("joined-bom-bad.csv"), [1, 3]);
    });
  });

  describe("copies", () => {
    it("refuses a byte-identical copy under another name, naming the earlier file; --allow-copies loads it", async () => {
      const bytes = `${HEADER}\n536390,22941,CHRISTMAS LIGHTS 10 REINDEER,2,12/1/2010 10:19,8.5,17511,United Kingdom\n`;
      await loadLocalFile(warehouse, write("export.csv", bytes));
      const copy = write("export (1).csv", bytes);
      await assertRefused(
        copy,
        `${copy}: the same content, byte for byte, as export.csv, which is already loaded. Loading it too would count those sales twice, ` +
          "so nothing was loaded from it. If it really holds other sales, load it with --allow-copies."
      );
      const [allowed] = await loadFile(warehouse, copy, { allowCopies: true });
      assert.equal(allowed?.status, "loaded");
      assert.equal(allowed?.rows, 1);
    });
  });

  describe("files that are not CSV", () => {
    const cases: [string, Buffer, (file: string) => string][] = [
      ["report.pdf", Buffer.from("%PDF-1.7\n%...\n"), (file) => `${file} is a PDF document, not a CSV file or an Excel workbook. Export the data as CSV or .xlsx from the program that made the PDF. Nothing was loaded from it.`],
      ["chart.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), (file) => `${file} is a PNG image, not a CSV file or an Excel workbook. Load the export the picture was taken from (CSV or .xlsx). Nothing was loaded from it.`],
      ["photo.csv", Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46]), (file) => `${file} is a JPEG image, not a CSV file or an Excel workbook. Load the export the picture was taken from (CSV or .xlsx). Nothing was loaded from it.`],
      ["old.xls", Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), (file) => `${file} is an Excel 97-2003 workbook (.xls) or another old Office file, not a CSV file or an Excel workbook. Open it in Excel or LibreOffice and save it as .xlsx or CSV. Nothing was loaded from it.`],
      ["blob.csv", Buffer.from([0x01, 0x00, 0x7f, 0x12, 0x00, 0x00, 0x33, 0x00, 0x01]), (file) => `${file} is a binary file, not a CSV file or an Excel workbook (it holds NUL bytes). Nothing was loaded from it.`],
    ];
    for (const [name, bytes, message] of cases) {
      it(`names ${name} as what it is and lands nothing`, async () => {
        const file = write(name, bytes);
        await assertRefused(file, message(file));
      });
    }

    it("names a Word document as what it is, though it is a zip", async () => {
      const file = path.join(dir, "letter.docx");
      await zipFiles(file, { "[Content_Types].xml": "<Types/>", "word/document.xml": "<document/>" });
      await assertRefused(file, `${file} is a Word document (.docx), not a CSV file or an Excel workbook. Export the data as CSV or .xlsx. Nothing was loaded from it.`);
    });

    it("refuses a zip of no export, listing what it holds", async () => {
      const file = path.join(dir, "photos.zip");
      await zipFiles(file, { "a.jpg": "x", "notes.txt": "y" });
      await assertRefused(file, `${file}: the zip archive holds no .csv, .csv.gz or .xlsx file (it holds: a.jpg, notes.txt). Nothing was loaded from it.`);
    });
  });

  describe("Excel workbooks", () => {
    /** Online Retail II's layout: one sheet per year with its header names, and a sheet that is not sales. */
    async function writeRetailII(file: string): Promise<void> {
      const workbook = new ExcelJS.Workbook();
      const header = ["Invoice", "StockCode", "Description", "Quantity", "InvoiceDate", "Price", "Customer ID", "Country"];
      const first = workbook.addWorksheet("Year 2009-2010");
      first.addRow(header);
      // A number stored with float noise (0.1 + 0.2), a date cell, an empty customer cell, a numeric customer.
      first.addRow([489434, "85048", "15CM CHRISTMAS GLASS BALL 20 LIGHTS", 12, new Date(Date.UTC(2009, 11, 1, 7, 45)), 0.1 + 0.2, 13085, "United Kingdom"]);
      first.addRow(["C489449", "22087", "PAPER BUNTING WHITE LACE", -12, new Date(Date.UTC(2009, 11, 1, 10, 33)), 2.55, null, "Australia"]);
      first.addRow(header); // pasted twice: a repeated header row
      first.addRow([489450, "21495", `SKULLS ${WINDOWS_TEXT}`, 25, new Date(Date.UTC(2009, 11, 1, 10, 36, 0, 1)), 3 * 1.1, 13085, "United Kingdom"]);
      first.getColumn(5).numFmt = "m/d/yyyy h:mm";
      const second = workbook.addWorksheet("Year 2010-2011");
      second.addRow(header);
      second.addRow(["536365", "85123A", "WHITE HANGING HEART T-LIGHT HOLDER", 6, "12/1/2010 8:26", 2.55, 17850, "United Kingdom"]);
      workbook.addWorksheet("Notes").addRow(["Exported from the shop on 2011-12-10"]);
      await workbook.xlsx.writeFile(file);
    }

    it("lands every sheet with the header as its own file version, cells as text, rows numbered by sheet row", async () => {
      const file = path.join(dir, "online_retail_II.xlsx");
      await writeRetailII(file);
      const results = await loadFile(warehouse, file);
      assert.deepEqual(
        results.map((result) => [result.sourceFile, result.status, result.rows, result.repeatedHeaders, result.encoding, result.note ?? ""]),
        [
          ["online_retail_II.xlsx#Year 2009-2010", "loaded", 3, 1, "xlsx", 'left out sheet "Notes" (not the Online Retail header)'],
          ["online_retail_II.xlsx#Year 2010-2011", "loaded", 1, 0, "xlsx", ""],
        ]
      );
      assert.deepEqual(await valuesOf("online_retail_II.xlsx#Year 2009-2010"), [
        {
          invoice_no: "489434",
          stock_code: "85048",
          description: "15CM CHRISTMAS GLASS BALL 20 LIGHTS",
          quantity: "12",
          invoice_date: "2009-12-01 07:45:00",
          unit_price: "0.3",
          customer_id: "13085",
          country: "United Kingdom",
        },
        {
          invoice_no: "C489449",
          stock_code: "22087",
          description: "PAPER BUNTING WHITE LACE",
          quantity: "-12",
          invoice_date: "2009-12-01 10:33:00",
          unit_price: "2.55",
          customer_id: null,
          country: "Australia",
        },
        {
          invoice_no: "489450",
          stock_code: "21495",
          description: `SKULLS ${WINDOWS_TEXT}`,
          quantity: "25",
          invoice_date: "2009-12-01 10:36:00",
          unit_price: "3.3",
          customer_id: "13085",
          country: "United Kingdom",
        },
      ]);
      // Sheet rows: the header is row 1, the repeated header row 4.
      assert.deepEqual(await rowNumbersOf("online_retail_II.xlsx#Year 2009-2010"), [2, 3, 5]);
      assert.deepEqual(await valuesOf("online_retail_II.xlsx#Year 2010-2011"), [{ ...VALUES_1, invoice_date: "12/1/2010 8:26" }]);

      const again = await loadFile(warehouse, file);
      assert.deepEqual(
        again.map((result) => [result.sourceFile, result.status, result.rows]),
        [
          ["online_retail_II.xlsx#Year 2009-2010", "unchanged", 3],
          ["online_retail_II.xlsx#Year 2010-2011", "unchanged", 1],
        ]
      );
      const copy = path.join(dir, "online_retail_II (1).xlsx");
      fs.copyFileSync(file, copy);
      await assertRefused(
        copy,
        `${copy}: the same workbook, byte for byte, as online_retail_II.xlsx, which is already loaded. Loading it too would count those sales twice, ` +
          "so nothing was loaded from it. If it really holds other sales, load it with --allow-copies."
      );
    });

    it("replaces every sheet of an earlier version of a workbook, dropping a sheet it no longer has", async () => {
      const file = path.join(dir, "versions.xlsx");
      const book = async (sheets: Record<string, (string | number)[][]>) => {
        const workbook = new ExcelJS.Workbook();
        for (const [name, rows] of Object.entries(sheets)) {
          const sheet = workbook.addWorksheet(name);
          sheet.addRow(HEADER.split(","));
          for (const row of rows) sheet.addRow(row);
        }
        await workbook.xlsx.writeFile(file);
      };
      await book({ A: [[1, "X", "ONE", 1, "12/1/2010 8:26", 1, 12345, "UK"]], B: [[2, "Y", "TWO", 2, "12/1/2010 8:26", 1, 12345, "UK"]] });
      assert.deepEqual((await loadFile(warehouse, file)).map((result) => result.status), ["loaded", "loaded"]);
      await book({ A: [[1, "X", "ONE AGAIN", 1, "12/1/2010 8:26", 1, 12345, "UK"]] });
      assert.deepEqual((await loadFile(warehouse, file)).map((result) => [result.sourceFile, result.status]), [["versions.xlsx#A", "replaced"]]);
      assert.deepEqual(
        await warehouse.query(`SELECT _source_file, description FROM ecommerce_raw.raw_sales WHERE starts_with(_source_file, 'versions.xlsx') ORDER BY 1`),
        [{ _source_file: "versions.xlsx#A", description: "ONE AGAIN" }]
      );
    });

    it("refuses a workbook with no sheet of sales, saying what each sheet's first row lacks", async () => {
      const file = path.join(dir, "budget.xlsx");
      const workbook = new ExcelJS.Workbook();
      workbook.addWorksheet("Budget").addRow(["Month", "Amount"]);
      await workbook.xlsx.writeFile(file);
      await assertRefused(
        file,
        `${file}: no sheet of the workbook starts with the Online Retail header, so nothing was loaded from it.\n` +
          `  ${file}, sheet "Budget", row 1, cell A1: unknown column "Month". Expected the eight Online Retail columns: ${HEADER}.`
      );
    });

    it("refuses a damaged workbook in our words", async () => {
      const good = path.join(dir, "to-damage.xlsx");
      await writeRetailII(good);
      const bytes = fs.readFileSync(good);
      const file = write("damaged.xlsx", bytes.subarray(0, Math.floor(bytes.length / 2)));
      await assertRefused(file, `${file}: the zip archive is damaged or truncated, so its files cannot be read. Nothing was loaded from it; fetch or zip the files again.`);
    });

    const soffice = findSoffice();
    (soffice ? it : it.skip)("lands a workbook LibreOffice made from a CSV: dates as ISO, numbers without float noise, text as written", async function () {
      const csvFile = write(path.join("lo", "libreoffice.csv"), `${HEADER}\n${LINE_1}\nC536379,D,£5 “Discount”,-1,12/1/2010 9:41,27.5,,France\n${LINE_2}\n`);
      const xlsx = convertWithLibreOffice(soffice as string, csvFile);
      const results = await loadFile(warehouse, xlsx);
      assert.deepEqual(results.map((result) => [result.sourceFile, result.rows]), [["libreoffice.xlsx#libreoffice", 3]]);
      assert.deepEqual(await valuesOf("libreoffice.xlsx#libreoffice"), [
        { ...VALUES_1, invoice_date: "2010-12-01 08:26:00" },
        { invoice_no: "C536379", stock_code: "D", description: "£5 “Discount”", quantity: "-1", invoice_date: "2010-12-01 09:41:00", unit_price: "27.5", customer_id: null, country: "France" },
        { ...VALUES_2, invoice_date: "2010-12-01 08:28:00" },
      ]);
      assert.deepEqual(await rowNumbersOf("libreoffice.xlsx#libreoffice"), [2, 3, 4]);
    });
    if (!soffice) console.log("    (skipped: LibreOffice's soffice is not installed, so no workbook made by it is tested; .ci/run installs it)");
  });

  describe("zip archives", () => {
    it("lands each member as its own file version, archive.zip/member, a bad member refused alone", async () => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet("Sales");
      sheet.addRow(HEADER.split(","));
      sheet.addRow(["536366", "22633", "HAND WARMER UNION JACK", 6, "12/1/2010 8:28", 1.85, null, "United Kingdom"]);
      const xlsx = path.join(dir, "member.xlsx");
      await workbook.xlsx.writeFile(xlsx);
      const file = path.join(dir, "exports.zip");
      await zipFiles(file, {
        "2010-12/day-1.csv": `${HEADER}\n${LINE_1}\n`,
        "2010-12/broken.csv": `${HEADER}\n1,2,3\n`,
        "book.xlsx": fs.readFileSync(xlsx),
        "__MACOSX/2010-12/._day-1.csv": "resource fork",
        "readme.txt": "not loaded",
      });
      const results = await loadSources(warehouse, [file]);
      assert.deepEqual(
        results.map((result) => [result.file, result.sourceFile, result.status, result.rows]),
        [
          [`${file}/2010-12/day-1.csv`, "exports.zip/2010-12/day-1.csv", "loaded", 1],
          [`${file}/2010-12/broken.csv`, `${file}/2010-12/broken.csv`, "refused", 0],
          [`${file}/book.xlsx`, "exports.zip/book.xlsx#Sales", "loaded", 1],
        ]
      );
      assert.equal(
        results[1]?.error?.message,
        `${file}/2010-12/broken.csv: 1 malformed line(s); nothing was loaded from this file.\n` +
          "  line 2: expected 8 fields, found 3: 1,2,3\n" +
          "Fix these lines, or load with --max-bad-lines 1 to set them aside in ecommerce_raw.raw_sales_malformed and land the rest."
      );
      assert.deepEqual(await valuesOf("exports.zip/2010-12/day-1.csv"), [VALUES_1]);
      assert.deepEqual(await valuesOf("exports.zip/book.xlsx#Sales"), [VALUES_2]);
      const again = await loadSources(warehouse, [file]);
      assert.deepEqual(again.map((result: FileLoadResult) => result.status), ["unchanged", "refused", "unchanged"]);
    });
  });

  // Last, over everything the cases above landed (and replaced) in this one warehouse.
  describe("the graph on what every case landed", () => {
    it("keeps raw = staged + rejected, every assertion passing", async function () {
      this.timeout(120_000);
      const { graph } = await compileProject({ projectDir: PROJECT_ROOT, vars: { dialect: "duckdb" } });
      const report = await runGraph(warehouse, graph);
      assert.deepEqual(report.actions.filter((action) => action.status !== "succeeded").map((action) => `${action.name}: ${action.status} ${action.error ?? ""}`), []);
      const [counts] = await warehouse.query(
        "SELECT (SELECT COUNT(*) FROM ecommerce_raw.raw_sales) AS raw, (SELECT COUNT(*) FROM ecommerce_staging.stg_sales) AS staged, (SELECT COUNT(*) FROM ecommerce_staging.stg_sales_rejected) AS rejected"
      );
      assert.ok(Number(counts?.raw) > 20, `only ${String(counts?.raw)} lines landed`);
      assert.equal(Number(counts?.raw), Number(counts?.staged) + Number(counts?.rejected));
    });
  });
});

/** Writes a zip with the library's writer counterpart: exceljs ships JSZip, so no zip code of ours. */
async function zipFiles(file: string, members: Record<string, string | Buffer>): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const JSZip = require("jszip") as new () => { file(name: string, data: string | Buffer): void; generateAsync(options: { type: "nodebuffer" }): Promise<Buffer> };
  const zip = new JSZip();
  for (const [name, data] of Object.entries(members)) zip.file(name, data);
  fs.writeFileSync(file, await zip.generateAsync({ type: "nodebuffer" }));
}

function findSoffice(): string | undefined {
  const found = spawnSync("sh", ["-c", "command -v soffice"], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/**
 * Converts a UTF-8 CSV to .xlsx with LibreOffice, as an analyst would open and save it: comma,
 * double quote, UTF-8, US dates detected. Its own profile directory, so a running LibreOffice
 * does not get in the way.
 */
export function convertWithLibreOffice(soffice: string, csvFile: string): string {
  const outDir = path.dirname(csvFile);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "ecom-lo-profile-"));
  try {
    execFileSync(
      soffice,
      [`-env:UserInstallation=file://${profile}`, "--headless", "--infilter=CSV:44,34,76,1,,1033,false,true", "--convert-to", "xlsx", "--outdir", outDir, csvFile],
      { stdio: "ignore", timeout: 120_000 }
    );
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
  const xlsx = path.join(outDir, `${path.basename(csvFile, ".csv")}.xlsx`);
  assert.ok(fs.existsSync(xlsx), `LibreOffice wrote ${xlsx}`);
  return xlsx;
}
