import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";
import * as zlib from "node:zlib";
import { main } from "../../scripts/cli/main";
import { LoadError, UsageError } from "../../scripts/errors";
import { generateSampleCsv } from "../../scripts/generate/sample-data";
import { repeatDataset } from "../../scripts/generate/repeat-dataset";
import { RecordingOutput } from "../../scripts/output";
import { PROJECT_ROOT } from "../../scripts/paths";
import { makeTempDir, SHARED_DATA_DIR } from "../support/temp";

const HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";

/** A sale with a pandas-style customer, a cancellation, a bad-debt adjustment without customer, a comma and quotes inside descriptions. */
const FIXTURE = [
  HEADER,
  "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850.0,United Kingdom",
  "C536379,D,Discount,-1,12/1/2010 9:41,27.5,14527,United Kingdom",
  "A563185,B,Adjust bad debt,1,8/12/2011 14:50,11062.06,,United Kingdom",
  '536520,21111,"SWISS ROLL TOWEL, CHOCOLATE  SPOTS",1,12/1/2010 12:43,2.95,14729,United Kingdom',
  '536544,90214D,"LETTER ""D"" BLING KEY RING",1,12/1/2010 14:32,0.85,,United Kingdom',
  "",
].join("\n");

/** FIXTURE with copies=3, written out by hand: copy 0 is FIXTURE itself (header included), then copies 01 and 02. */
const FIXTURE_TIMES_3 = [
  FIXTURE.slice(0, -1),
  "01536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,117850.0,United Kingdom",
  "C01536379,D,Discount,-1,12/1/2010 9:41,27.5,114527,United Kingdom",
  "A01563185,B,Adjust bad debt,1,8/12/2011 14:50,11062.06,,United Kingdom",
  '01536520,21111,"SWISS ROLL TOWEL, CHOCOLATE  SPOTS",1,12/1/2010 12:43,2.95,114729,United Kingdom',
  '01536544,90214D,"LETTER ""D"" BLING KEY RING",1,12/1/2010 14:32,0.85,,United Kingdom',
  "02536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,217850.0,United Kingdom",
  "C02536379,D,Discount,-1,12/1/2010 9:41,27.5,214527,United Kingdom",
  "A02563185,B,Adjust bad debt,1,8/12/2011 14:50,11062.06,,United Kingdom",
  '02536520,21111,"SWISS ROLL TOWEL, CHOCOLATE  SPOTS",1,12/1/2010 12:43,2.95,214729,United Kingdom',
  '02536544,90214D,"LETTER ""D"" BLING KEY RING",1,12/1/2010 14:32,0.85,,United Kingdom',
  "",
].join("\n");

/** Runs the CLI in-process as `ecom <args...>` and keeps everything it printed. */
async function ecom(...args: string[]): Promise<{ code: number; text: string }> {
  const output = new RecordingOutput();
  const code = await main(["node", "ecom", ...args], output);
  return { code, text: output.text };
}

describe("repeatDataset", function () {
  this.timeout(180_000);
  const temp = makeTempDir("repeat-dataset");
  after(() => temp.remove());

  const write = (name: string, content: string | Buffer) => {
    const file = path.join(temp.dir, name);
    fs.writeFileSync(file, content);
    return file;
  };
  /** The files of a folder, to see that a failed run left neither the output nor a partial. */
  const filesIn = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir) : []);

  it("writes the source once as it is, then each copy with its own invoices and customers", async () => {
    const source = write("fixture.csv", FIXTURE);
    const out = path.join(temp.dir, "x3", "out.csv");
    assert.deepEqual(await repeatDataset({ source, copies: 3, out }), { lines: 15, copies: 3 });
    const text = fs.readFileSync(out, "latin1");
    assert.equal(text, FIXTURE_TIMES_3);
    assert.equal(text.slice(0, FIXTURE.length), FIXTURE, "copy 0 is the source, byte for byte");
    assert.equal(text.split("\n").length - 1, 16, "the header once and 3 x 5 lines");
    assert.deepEqual(filesIn(path.dirname(out)), ["out.csv"], "no partial file left beside it");
  });

  it("reads a gzip-compressed source (told by its bytes) into the same output", async () => {
    const source = write("fixture-gzipped.bin", zlib.gzipSync(FIXTURE));
    const out = path.join(temp.dir, "from-gz.csv");
    assert.deepEqual(await repeatDataset({ source, copies: 3, out }), { lines: 15, copies: 3 });
    assert.equal(fs.readFileSync(out, "latin1"), FIXTURE_TIMES_3);
  });

  it("keeps Latin-1 bytes and CRLF line ends, ends the last line before the next copy, and quotes only what needs it in copies", async () => {
    const source = write(
      "crlf.csv",
      Buffer.from(
        `${HEADER}\r\n` +
          "539492,gift_0001_40,Dotcomgiftshop Gift Voucher \xa340.00,1,12/20/2010 10:14,34.04,,United Kingdom\r\n" +
          '536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,12680,"France"',
        "latin1"
      )
    );
    const out = path.join(temp.dir, "crlf-x2.csv");
    assert.deepEqual(await repeatDataset({ source, copies: 2, out }), { lines: 4, copies: 2 });
    assert.deepEqual(
      fs.readFileSync(out),
      Buffer.from(
        `${HEADER}\r\n` +
          "539492,gift_0001_40,Dotcomgiftshop Gift Voucher \xa340.00,1,12/20/2010 10:14,34.04,,United Kingdom\r\n" +
          '536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,12680,"France"\r\n' +
          "01539492,gift_0001_40,Dotcomgiftshop Gift Voucher \xa340.00,1,12/20/2010 10:14,34.04,,United Kingdom\r\n" +
          "01536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,112680,France\r\n",
        "latin1"
      )
    );
    const single = path.join(temp.dir, "crlf-x1.csv");
    assert.deepEqual(await repeatDataset({ source, copies: 1, out: single }), { lines: 2, copies: 1 });
    assert.deepEqual(fs.readFileSync(single), fs.readFileSync(source), "one copy is the file itself, even without a last line end");
  });

  it("refuses what it cannot repeat faithfully, naming the file and the line, and writes nothing", async () => {
    const line = "536365,85123A,WHITE,6,12/1/2010 8:26,2.55,17850,United Kingdom";
    const cases: ReadonlyArray<readonly [string, string, string]> = [
      ["fields.csv", `${HEADER}\n${line}\n536366,22633,HAND WARMER,6,12/1/2010 8:28,1.85,17850\n`, "fields.csv, line 3: it has another number of fields than the header, so the file cannot be repeated. `ecom load` lists every such line."],
      ["open-quote.csv", `${HEADER}\n536365,85123A,"WHITE,6,12/1/2010 8:26,2.55,17850,United Kingdom\n${line}\n`, "open-quote.csv: the quote opened in record 2 (the header is record 1) is never closed, so the file cannot be repeated. `ecom load` lists every such line."],
      ["stray-quote.csv", `${HEADER}\n536365,85123A,WH"ITE,6,12/1/2010 8:26,2.55,17850,United Kingdom\n`, "stray-quote.csv, line 2: a quote stands where CSV does not allow one, so the file cannot be repeated. `ecom load` lists every such line."],
      ["big-id.csv", `${HEADER}\n${line}\n536366,22633,HAND WARMER,6,12/1/2010 8:28,1.85,123456,United Kingdom\n`, "big-id.csv, line 3: CustomerID 123456 is 100000 or more, so its copies could be other customers' ids (copy k's customers are k * 100000 + id); only files whose customer ids are below 100000 can be repeated."],
      ["empty.csv", "", "empty.csv is empty: not even a header line. Repeat an Online Retail export."],
      ["header.csv", "Invoice,Stock\n1,2\n", 'header.csv, line 1, field 2: unknown column "Stock". Expected the eight Online Retail columns: InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country.'],
      ["utf16.csv", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(FIXTURE, "utf16le")]).toString("latin1"), "utf16.csv is UTF-16 text; repeat a UTF-8 or ISO-8859-1 export (save it again as CSV UTF-8)."],
    ];
    const outDir = path.join(temp.dir, "refused");
    for (const [name, content, message] of cases) {
      const source = write(name, Buffer.from(content, "latin1"));
      await assert.rejects(repeatDataset({ source, copies: 2, out: path.join(outDir, "out.csv") }), (error: unknown) => {
        assert.ok(error instanceof LoadError, `${name}: ${String(error)}`);
        assert.equal(error.message, `${temp.dir}${path.sep}${message}`);
        return true;
      });
      assert.deepEqual(filesIn(outDir), [], `${name} left a file`);
    }
    const missing = path.join(temp.dir, "no-such.csv");
    await assert.rejects(repeatDataset({ source: missing, copies: 2, out: path.join(outDir, "out.csv") }), {
      name: "LoadError",
      message: `${missing}: no such file. Check the path given to --from.`,
    });
  });

  it("takes 1 to 100 copies, since the copy number has two digits", async () => {
    const source = write("for-counts.csv", FIXTURE);
    for (const copies of [0, 101, 2.5]) {
      await assert.rejects(repeatDataset({ source, copies, out: path.join(temp.dir, "never.csv") }), (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.equal(error.message, `copies must be a whole number from 1 to 100 (copy numbers have two digits), got ${copies}.`);
        return true;
      });
    }
    assert.equal(fs.existsSync(path.join(temp.dir, "never.csv")), false);
  });

  describe("ecom generate --from --copies", () => {
    it("writes the copies and says so in one line", async () => {
      const source = write("cli.csv", FIXTURE);
      const out = path.join(temp.dir, "cli-x3.csv");
      assert.deepEqual(await ecom("generate", "--from", source, "--copies", "3", "--out", out), {
        code: 0,
        text: `Wrote 15 lines to ${out} (3 copies of ${source}, each with its own invoices and customers).`,
      });
      assert.equal(fs.readFileSync(out, "latin1"), FIXTURE_TIMES_3);
    });

    it("refuses options that do not go together, in one line, exit 2", async () => {
      const source = write("cli-usage.csv", FIXTURE);
      const out = path.join(temp.dir, "cli-never.csv");
      const sampleOption = (flag: string) => `error: ${flag} is for the synthetic sample; with --from the lines are the file's own, and --copies N sets the size.`;
      const cases: ReadonlyArray<readonly [string[], string]> = [
        [["--copies", "3"], "error: --copies repeats a real export: give the file with --from FILE (without --from, generate writes the synthetic sample)."],
        [["--from", source], "error: --from needs --copies N: how many times to repeat the file (1 to 100)."],
        [["--from", source, "--copies", "2", "--rows", "10"], sampleOption("--rows")],
        [["--from", source, "--copies", "2", "--seed", "7"], sampleOption("--seed")],
        [["--from", source, "--copies", "101"], "error: copies must be a whole number from 1 to 100 (copy numbers have two digits), got 101."],
      ];
      for (const [args, message] of cases) {
        assert.deepEqual(await ecom("generate", ...args, "--out", out), { code: 2, text: message }, args.join(" "));
      }
      assert.equal(fs.existsSync(out), false);
    });

    it("names a missing source in one line, exit 1", async () => {
      const missing = path.join(temp.dir, "missing.csv.gz");
      assert.deepEqual(await ecom("generate", "--from", missing, "--copies", "2", "--out", path.join(temp.dir, "cli-missing.csv")), {
        code: 1,
        text: `error: ${missing}: no such file. Check the path given to --from.`,
      });
    });

    it("on Ctrl-C removes the partial file, says nothing was written and exits 130", async () => {
      const source = path.join(temp.dir, "interrupt-source.csv");
      // 100 copies of 100,000 lines take far longer than the interrupt takes to arrive.
      await generateSampleCsv({ rows: 100_000, seed: 5, out: source });
      const outDir = path.join(temp.dir, "interrupted");
      fs.mkdirSync(outDir);
      const out = path.join(outDir, "big.csv");
      const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "bin", "ecom.js"), "generate", "--from", source, "--copies", "100", "--out", out], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      // Interrupt once the partial file holds more than the first copy: the copies are being written.
      const firstCopyBytes = fs.statSync(source).size;
      const partialSize = () => filesIn(outDir).reduce((size, name) => size + fs.statSync(path.join(outDir, name)).size, 0);
      while (partialSize() <= firstCopyBytes) await new Promise((resolve) => setTimeout(resolve, 50));
      child.kill("SIGINT");
      assert.equal(await exited, 130, stderr);
      assert.ok(stderr.endsWith(`Interrupted (Ctrl-C): ${out} was not written, and the partial file is removed.\n`), stderr);
      assert.deepEqual(filesIn(outDir), []);
    });
  });

  describe("on the real dataset (../shared/data/online-retail/data.csv.gz)", () => {
    const real = path.join(SHARED_DATA_DIR, "data.csv.gz");

    it("doubles its 541,909 lines, 25,900 invoices and 4,372 customers with two copies, copy 0 being the file", async function () {
      if (!fs.existsSync(real)) {
        this.skip(); // the shared data folder sits beside the repository on the project's machines only
      }
      const out = path.join(temp.dir, "real-x2.csv");
      assert.deepEqual(await repeatDataset({ source: real, copies: 2, out }), { lines: 1_083_818, copies: 2 });

      const sourceLines = zlib.gunzipSync(fs.readFileSync(real)).toString("latin1").split("\n");
      assert.equal(sourceLines.pop(), "", "the source ends with a line end");
      const invoices = new Set<string>();
      const customers = new Set<string>();
      let index = 0;
      const lines = readline.createInterface({ input: fs.createReadStream(out, { encoding: "latin1" }), crlfDelay: Infinity });
      for await (const line of lines) {
        const sourceLine = sourceLines[index === 0 ? 0 : ((index - 1) % (sourceLines.length - 1)) + 1] as string;
        index += 1;
        if (index === 1) {
          assert.equal(line, HEADER);
          continue;
        }
        // InvoiceNo is the first field and CustomerID the one before Country, which holds no comma
        // or quote in this file, so the two can be cut out of the line without a CSV parser.
        const invoiceEnd = line.indexOf(",");
        const countryStart = line.lastIndexOf(",");
        const customerStart = line.lastIndexOf(",", countryStart - 1);
        const invoice = line.slice(0, invoiceEnd);
        const customer = line.slice(customerStart + 1, countryStart);
        invoices.add(invoice);
        if (customer !== "") customers.add(customer);
        if (index <= sourceLines.length) {
          assert.equal(line, sourceLine, `copy 0, line ${index}`);
          continue;
        }
        // Copy 1: the same line, byte for byte, but for 01 after the invoice's letters and 100000 + the customer.
        const sourceInvoice = sourceLine.slice(0, sourceLine.indexOf(","));
        const sourceCountry = sourceLine.lastIndexOf(",");
        const sourceCustomerStart = sourceLine.lastIndexOf(",", sourceCountry - 1);
        const sourceCustomer = sourceLine.slice(sourceCustomerStart + 1, sourceCountry);
        const letters = /^[A-Z]*/.exec(sourceInvoice)?.[0] ?? "";
        const expected =
          `${letters}01${sourceInvoice.slice(letters.length)}` +
          sourceLine.slice(sourceInvoice.length, sourceCustomerStart + 1) +
          (sourceCustomer === "" ? "" : String(100_000 + Number(sourceCustomer))) +
          sourceLine.slice(sourceCountry);
        if (line !== expected) assert.equal(line, expected, `copy 1, line ${index}`);
      }
      assert.equal(index, 1 + 1_083_818);
      assert.equal(invoices.size, 2 * 25_900);
      assert.equal(customers.size, 2 * 4_372);
    });
  });
});
