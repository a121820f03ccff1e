import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generateSampleCsv, type GenerateOptions, type GenerateStats } from "../../scripts/generate/sample-data";

const HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";

/** A small RFC 4180 line parser, independent of the generator, for lines without embedded newlines. */
function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"' && field === "") {
      quoted = true;
    } else if (char === ",") {
      fields.push(field);
      field = "";
    } else {
      field += char;
    }
  }
  assert.equal(quoted, false, `unterminated quote in ${JSON.stringify(line)}`);
  fields.push(field);
  return fields;
}

interface Row {
  raw: string;
  invoiceNo: string;
  stockCode: string;
  description: string;
  quantity: string;
  invoiceDate: string;
  unitPrice: string;
  customerId: string;
  country: string;
}

interface ParsedDate {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const DATE_PATTERN = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})$/;

function parseInvoiceDate(text: string): ParsedDate | null {
  const match = DATE_PATTERN.exec(text);
  if (match === null) return null;
  const [month, day, year, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || day < 1) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  return { year, month, day, hour, minute };
}

function isoDate(date: ParsedDate): string {
  return `${date.year}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(2, "0")}`;
}

/** The reason staging rejects a row (same rules, same order as stg_sales_typed), or null when it is typeable. */
function rejectReason(row: Row): string | null {
  const customer = row.customerId.trim();
  if (row.invoiceNo.trim() === "") return "missing invoice_no";
  if (row.stockCode.trim() === "") return "missing stock_code";
  if (!/^[+-]?[0-9]+$/.test(row.quantity.trim())) return "invalid quantity";
  if (!/^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$/.test(row.unitPrice.trim())) return "invalid unit_price";
  if (parseInvoiceDate(row.invoiceDate.trim()) === null) return "invalid invoice_date";
  const missingCustomer = ["", "NA", "NAN", "NULL"].includes(customer.toUpperCase());
  if (!missingCustomer && !/^[0-9]+([.]0+)?$/.test(customer)) return "invalid customer_id";
  if (row.country.trim() === "") return "missing country";
  return null;
}

interface ParsedFile {
  header: string;
  rows: Row[];
  endsWithNewline: boolean;
}

function readCsv(file: string): ParsedFile {
  const text = fs.readFileSync(file, "utf8");
  const lines = text.split("\n");
  const endsWithNewline = lines[lines.length - 1] === "";
  if (endsWithNewline) lines.pop();
  const [header = "", ...data] = lines;
  const rows = data.map((raw) => {
    const fields = parseCsvLine(raw);
    assert.equal(fields.length, 8, `line ${JSON.stringify(raw)} has ${fields.length} fields`);
    const [invoiceNo, stockCode, description, quantity, invoiceDate, unitPrice, customerId, country] = fields as [
      string, string, string, string, string, string, string, string,
    ];
    return { raw, invoiceNo, stockCode, description, quantity, invoiceDate, unitPrice, customerId, country };
  });
  return { header, rows, endsWithNewline };
}

function sha256(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

function untypeableFormula(rows: number): number {
  return rows < 5 ? 0 : Math.max(1, Math.round(rows * 0.0002));
}

describe("generateSampleCsv", function () {
  this.timeout(60_000);

  const ROWS = 30_000;
  const SEED = 7;
  let directory = "";
  let file = "";
  let stats: GenerateStats;
  let parsed: ParsedFile;
  let typeable: Row[];
  let progress: number[];

  before(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "sample-data-test-"));
    // A parent directory that does not exist yet: the generator must create it.
    file = path.join(directory, "nested", "data.csv");
    progress = [];
    stats = await generateSampleCsv({ rows: ROWS, seed: SEED, out: file, onProgress: (n) => progress.push(n) });
    parsed = readCsv(file);
    typeable = parsed.rows.filter((row) => rejectReason(row) === null);
  });

  after(() => {
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it("writes the exact header, exactly `rows` data lines, and leaves no temporary file", () => {
    assert.equal(parsed.header, HEADER);
    assert.equal(parsed.endsWithNewline, true);
    assert.equal(parsed.rows.length, ROWS);
    assert.equal(stats.rows, ROWS);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ["data.csv"]);
    assert.equal(progress[progress.length - 1], ROWS);
  });

  it("writes the untypeable lines the formula asks for, one reason each, as the stats say", () => {
    const byReason: Record<string, number> = {};
    const untypeable = parsed.rows.filter((row) => rejectReason(row) !== null);
    for (const row of untypeable) {
      const reason = rejectReason(row) ?? "";
      byReason[reason] = (byReason[reason] ?? 0) + 1;
      assert.match(row.invoiceNo, /^\d{6}$/, "an untypeable line has a plain invoice number");
    }
    assert.equal(untypeable.length, untypeableFormula(ROWS));
    assert.equal(stats.untypeableLines, untypeable.length);
    const nonZero = Object.fromEntries(Object.entries(stats.untypeableByReason).filter(([, count]) => count > 0));
    assert.deepEqual(nonZero, byReason);
    const allowed = ["invalid quantity", "invalid unit_price", "invalid invoice_date", "missing stock_code", "invalid customer_id"];
    for (const key of Object.keys(stats.untypeableByReason)) assert.ok(allowed.includes(key), `unexpected reason ${key}`);
    const sum = Object.values(stats.untypeableByReason).reduce((total, count) => total + count, 0);
    assert.equal(sum, stats.untypeableLines);
    // With 6 broken lines the cycle has gone through every reason.
    assert.equal(Object.keys(nonZero).length, 5);
  });

  it("writes dates as M/D/YYYY H:MM without zero padding, never on a Saturday", () => {
    for (const row of typeable) {
      assert.match(row.invoiceDate, /^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2}$/);
      const [month = "", day = "", rest = ""] = row.invoiceDate.split("/");
      const hour = rest.split(" ")[1]?.split(":")[0] ?? "";
      for (const part of [month, day, hour]) assert.doesNotMatch(part, /^0\d/, `zero padding in ${row.invoiceDate}`);
      const date = parseInvoiceDate(row.invoiceDate);
      assert.ok(date !== null);
      assert.notEqual(new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay(), 6, `${row.invoiceDate} is a Saturday`);
    }
  });

  it("reports the first and last dates of the typeable lines, within the trading year", () => {
    const dates = typeable.map((row) => isoDate(parseInvoiceDate(row.invoiceDate) as ParsedDate)).sort();
    assert.equal(stats.firstDate, dates[0]);
    assert.equal(stats.lastDate, dates[dates.length - 1]);
    assert.ok(stats.firstDate >= "2010-12-01" && stats.firstDate <= stats.lastDate);
    assert.ok(stats.lastDate <= "2011-12-09");
  });

  it("leaves about a quarter of the typeable lines without a customer, as the stats say", () => {
    const withoutCustomer = typeable.filter((row) => row.customerId === "").length;
    assert.equal(stats.linesWithoutCustomer, withoutCustomer);
    const share = withoutCustomer / typeable.length;
    assert.ok(share >= 0.2 && share <= 0.3, `share without customer ${share}`);
  });

  it("writes cancellations with a negative quantity and a customer, as the stats say", () => {
    const cancellations = typeable.filter((row) => row.invoiceNo.startsWith("C"));
    assert.equal(stats.cancellationLines, cancellations.length);
    assert.ok(cancellations.length > 0);
    for (const row of cancellations) {
      assert.match(row.invoiceNo, /^C\d{6}$/);
      assert.ok(Number(row.quantity) < 0, `cancellation quantity ${row.quantity}`);
      assert.match(row.customerId, /^\d{5}$/);
    }
    const share = cancellations.length / typeable.length;
    assert.ok(share > 0.01 && share < 0.03, `cancellation share ${share}`);
  });

  it("counts exact duplicates of the line before, and has no other duplicates", () => {
    let adjacent = 0;
    let seenBefore = 0;
    const seen = new Set<string>();
    parsed.rows.forEach((row, index) => {
      if (index > 0 && parsed.rows[index - 1]?.raw === row.raw) {
        adjacent += 1;
        assert.equal(rejectReason(row), null, "an untypeable line is never duplicated");
      }
      if (seen.has(row.raw)) seenBefore += 1;
      seen.add(row.raw);
    });
    assert.equal(stats.duplicateLines, adjacent);
    assert.equal(seenBefore, adjacent);
    assert.ok(adjacent > 0);
  });

  it("writes fields like the real export: codes, prices, customers, quoting", () => {
    const negativeNonCancellation = typeable.filter((row) => !row.invoiceNo.startsWith("C") && Number(row.quantity) < 0);
    assert.ok(negativeNonCancellation.length > 0, "there are stock write-offs");
    for (const row of negativeNonCancellation) {
      assert.equal(row.customerId, "");
      assert.equal(row.unitPrice, "0");
      assert.match(row.stockCode, /^[0-9]{5}[A-Z]*$/);
    }
    for (const row of typeable) {
      assert.match(row.invoiceNo, /^C?\d{6}$/);
      assert.match(row.unitPrice, /^(0|[1-9]\d*)(\.\d?[1-9])?$/, `price ${row.unitPrice}`);
      assert.match(row.customerId, /^(\d{5})?$/);
      assert.match(row.quantity, /^-?[1-9]\d*$/);
    }
    assert.ok(parsed.rows.some((row) => row.raw.includes('"') && row.description.includes(",")), "quoted descriptions");
    assert.ok(typeable.some((row) => row.description !== "" && row.description !== row.description.trim()), "padded descriptions");
    assert.ok(typeable.some((row) => row.description === ""), "empty descriptions");
    assert.ok(typeable.some((row) => ["POST", "DOT", "M", "C2"].includes(row.stockCode)), "non-product codes");
    const uk = typeable.filter((row) => row.country === "United Kingdom").length / typeable.length;
    assert.ok(uk > 0.75 && uk < 0.97, `UK share ${uk}`);
  });

  it("writes more lines per trading day in Sep-Nov than in Jan-Apr", () => {
    const linesByDay = new Map<string, number>();
    for (const row of typeable) {
      const day = isoDate(parseInvoiceDate(row.invoiceDate) as ParsedDate);
      linesByDay.set(day, (linesByDay.get(day) ?? 0) + 1);
    }
    const average = (months: readonly string[]): number => {
      const days = [...linesByDay.entries()].filter(([day]) => months.includes(day.slice(5, 7)));
      return days.reduce((sum, [, count]) => sum + count, 0) / days.length;
    };
    assert.ok(average(["09", "10", "11"]) > average(["01", "02", "03", "04"]));
  });

  it("gives byte-identical files for the same seed and different files for another seed", async () => {
    const again = path.join(directory, "again.csv");
    const other = path.join(directory, "other.csv");
    await generateSampleCsv({ rows: ROWS, seed: SEED, out: again });
    await generateSampleCsv({ rows: ROWS, seed: SEED + 1, out: other });
    assert.equal(sha256(again), sha256(file));
    assert.notEqual(sha256(other), sha256(file));
  });

  it("writes exactly the lines asked for in tiny files", async () => {
    for (const rows of [1, 3, 5, 7]) {
      const tiny = path.join(directory, `tiny-${rows}.csv`);
      const tinyStats = await generateSampleCsv({ rows, seed: 1, out: tiny });
      const tinyFile = readCsv(tiny);
      assert.equal(tinyFile.header, HEADER);
      assert.equal(tinyFile.rows.length, rows);
      assert.equal(tinyStats.rows, rows);
      assert.equal(tinyStats.untypeableLines, untypeableFormula(rows));
    }
  });

  it("rejects invalid options with a message naming the option and the value", async () => {
    const out = path.join(directory, "never.csv");
    const cases: ReadonlyArray<readonly [Partial<GenerateOptions>, RegExp]> = [
      [{ rows: 0 }, /rows.*integer.*0/],
      [{ rows: 1.5 }, /rows.*integer.*1\.5/],
      [{ rows: 50_000_001 }, /rows.*50000001/],
      [{ seed: "x" as unknown as number }, /seed.*integer.*"x"/],
      [{ seed: 0.5 }, /seed.*0\.5/],
    ];
    for (const [override, message] of cases) {
      await assert.rejects(generateSampleCsv({ rows: 10, seed: 1, out, ...override }), message);
    }
    assert.equal(fs.existsSync(out), false);
  });

  it("leaves no temporary file behind when the file cannot be put in place, and keeps the cause", async () => {
    // A directory already holds the final name, so the closing rename fails.
    const blocked = path.join(directory, "blocked");
    fs.mkdirSync(path.join(blocked, "data.csv"), { recursive: true });
    await assert.rejects(generateSampleCsv({ rows: 100, seed: 1, out: path.join(blocked, "data.csv") }), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.match(error.message, /data\.csv/);
      assert.ok(error.cause instanceof Error, "the underlying error is kept as cause");
      return true;
    });
    assert.deepEqual(fs.readdirSync(blocked), ["data.csv"]);
  });
});
