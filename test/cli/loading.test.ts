import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ExcelJS from "exceljs";
import { main } from "../../scripts/cli/main";
import { RecordingOutput } from "../../scripts/output";
import { DuckDbWarehouse } from "../../scripts/warehouse/duckdb";
import { makeTempDir } from "../support/temp";
import { DATASETS } from "../../scripts/config";

const HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";

async function ecom(...args: string[]): Promise<{ code: number; output: RecordingOutput }> {
  const output = new RecordingOutput();
  const code = await main(["node", "ecom", ...args], output);
  return { code, output };
}

async function scalar(db: string, sql: string): Promise<string> {
  const warehouse = await DuckDbWarehouse.open(db);
  try {
    return String(await warehouse.scalar(sql));
  } finally {
    warehouse.close();
  }
}

describe("ecom load and pipeline on many files of many kinds", () => {
  let temp: ReturnType<typeof makeTempDir>;
  before(() => {
    temp = makeTempDir("ecom-cli-loading");
  });
  after(() => temp.remove());

  it("tries all 100 exports of a folder: 99 land, the bad one in the middle is named with its line, exit 1", async () => {
    const folder = path.join(temp.dir, "exports");
    fs.mkdirSync(folder);
    for (let day = 1; day <= 100; day += 1) {
      const name = `day-${String(day).padStart(3, "0")}.csv`;
      // One line each, all different (no copies); day 50 has a line with a ninth field.
      const line = `${540000 + day},85123A,ITEM ${day},${day},12/1/2010 8:26,2.55,17850,United Kingdom${day === 50 ? ",EXTRA" : ""}`;
      fs.writeFileSync(path.join(folder, name), `${HEADER}\n${line}\n`);
    }
    const db = path.join(temp.dir, "hundred.duckdb");
    const { code, output } = await ecom("load", "--source", folder, "--db", db);
    assert.equal(code, 1);
    const bad = path.join(folder, "day-050.csv");
    assert.equal(output.lines.filter((line) => /^day-\d{3}\.csv: landed 1 rows \(utf-8\) in \d+\.\d\ds\.$/.test(line)).length, 99);
    assert.ok(
      output.text.includes(
        `refused: ${bad}: 1 malformed line(s); nothing was loaded from this file.\n` +
          "      line 2: expected 8 fields, found 9: 540050,85123A,ITEM 50,50,12/1/2010 8:26,2.55,17850,United Kingdom,EXTRA\n" +
          `    Fix these lines, or load with --max-bad-lines 1 to set them aside in ${DATASETS.raw}.raw_sales_malformed and land the rest.`
      ),
      output.text
    );
    assert.ok(!/strict_mode|Original Line|CSV Error/.test(output.text), "DuckDB's own error is for --verbose only");
    assert.equal(output.lines.at(-1), `100 file(s): 99 landed, 0 replaced (99 rows in all), 0 unchanged, 1 refused: ${bad}.`);
    assert.equal(await scalar(db, `SELECT COUNT(*) FROM ${DATASETS.raw}.raw_sales`), "99");
    assert.equal(await scalar(db, `SELECT COUNT(*) FROM ${DATASETS.raw}.raw_sales WHERE _source_file = 'day-050.csv'`), "0");
    assert.equal(await scalar(db, `SELECT COUNT(*) FROM ${DATASETS.raw}.load_ledger`), "99");

    const verbose = await ecom("load", "--source", bad, "--db", db, "--verbose");
    assert.equal(verbose.code, 1);
    assert.match(verbose.output.text, /\(engine: .*Expected Number of Columns: 8 Found: 9/s, "--verbose shows the engine's error");
  });

  it("runs the pipeline on Windows-1252, joined exports and a workbook, with raw = staged + rejected", async () => {
    const folder = path.join(temp.dir, "mixed");
    fs.mkdirSync(folder);
    fs.writeFileSync(
      path.join(folder, "windows.csv"),
      Buffer.concat([Buffer.from(`${HEADER}\r\n536370,22728,`), Buffer.from([0x93]), Buffer.from("ALARM CLOCK"), Buffer.from([0x94]), Buffer.from(",24,12/1/2010 8:45,3.75,12583,France\r\n")])
    );
    fs.writeFileSync(path.join(folder, "joined.csv"), `${HEADER}\n536371,22086,PAPER CHAIN KIT,80,12/1/2010 9:00,2.55,13748,United Kingdom\n${HEADER}\n536372,22632,HAND WARMER,6,12/1/2010 9:01,bad-price,17850,United Kingdom\n`);
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Sales");
    sheet.addRow(HEADER.split(","));
    sheet.addRow([536373, "21730", "GLASS STAR FROSTED T-LIGHT HOLDER", 6, new Date(Date.UTC(2010, 11, 1, 9, 2)), 4.25, 17850, "United Kingdom"]);
    sheet.getColumn(5).numFmt = "m/d/yyyy h:mm";
    await workbook.xlsx.writeFile(path.join(folder, "book.xlsx"));
    const db = path.join(temp.dir, "mixed.duckdb");
    const { code, output } = await ecom("pipeline", "--source", folder, "--db", db);
    assert.equal(code, 0, output.text);
    assert.match(output.text, /book\.xlsx#Sales: landed 1 rows \(xlsx\)/);
    assert.match(output.text, /joined\.csv: landed 2 rows \(utf-8\), 1 repeated header line\(s\) skipped/);
    assert.match(output.text, /windows\.csv: landed 1 rows \(windows-1252\)/);
    assert.equal(await scalar(db, `SELECT description FROM ${DATASETS.raw}.raw_sales WHERE _source_file = 'windows.csv'`), "“ALARM CLOCK”");
    const [raw, staged, rejected] = await Promise.all(
      [`${DATASETS.raw}.raw_sales`, `${DATASETS.staging}.stg_sales`, `${DATASETS.staging}.stg_sales_rejected`].map((table) => scalar(db, `SELECT COUNT(*) FROM ${table}`))
    );
    assert.deepEqual([raw, staged, rejected], ["4", "3", "1"], "raw = staged + rejected: the bad price is the one rejected line");
  });
});
