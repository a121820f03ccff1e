/**
 * The real dataset made larger for benchmarks: an Online Retail export repeated N times in one CSV,
 * each copy with invoices and customers of its own, so that the pipeline meets N times as many
 * invoices and customers rather than the same ones N times over.
 *
 * Copy 0 is the source's bytes (header included), so the first copy is the real dataset. Copy k
 * (1 to 99) changes two fields: InvoiceNo gets k, two digits, after its leading letters
 * (`536365` -> `03536365`, `C536379` -> `C03536379`), and a numeric CustomerID becomes
 * k * 100000 + id in the same form (`17850.0` -> `317850.0`). Its other fields keep their text;
 * its lines are written with csv-stringify, which quotes only the fields that need it, as the UCI
 * export, pandas and Excel write them: a field quoted without need would lose its quotes there.
 *
 * The source is streamed once per copy and the output written as it goes: 18 copies of the real
 * file are about 840 MB, which never sit in memory.
 */

import * as fs from "node:fs";
import { PassThrough } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import * as zlib from "node:zlib";
import { CsvError, parse } from "csv-parse";
import { stringify } from "csv-stringify/sync";
import { writeAtomicallyWith } from "../atomic-write";
import { EcomError, LoadError, UsageError } from "../errors";
import { mapHeaderFields } from "../loader/csv-header";
import { decompressStart, isGzip, readFileStart, utf16Bom } from "../loader/file-probe";

export interface RepeatOptions {
  /** An Online Retail CSV, plain or gzip-compressed (told by its bytes, not its name). */
  source: string;
  /** How many copies the output holds, the first being the source itself. */
  copies: number;
  out: string;
  /** Aborting it stops the writing and removes the partial file (Ctrl-C). */
  signal?: AbortSignal;
}

export interface RepeatStats {
  /** Data lines written (the header, written once, not counted). */
  lines: number;
  copies: number;
}

/** Copy numbers are written with two digits, so there are at most 100 copies (00 to 99). */
export const MAX_COPIES = 100;

/**
 * Customer id of copy k: k * CUSTOMER_SPAN + id, distinct across copies while every id is below it
 * (the real data's are 12346 to 18287).
 */
const CUSTOMER_SPAN = 100_000;

/** A customer id as staging reads one (retail.CUSTOMER_ID_PATTERN once trimmed), in parts. */
const CUSTOMER_ID = /^(\s*)([0-9]+)([.]0+)?(\s*)$/;

/** Records turned into text in one go: one call of the stringifier per batch, not per line. */
const BATCH_RECORDS = 5_000;

type LineEnd = "\n" | "\r\n" | "\r";

/** What every pass over the source shares. */
interface Pass {
  source: string;
  gzip: boolean;
  lineEnd: LineEnd;
  /** Writes to the output file, resolving once written: a failed write rejects the pass. */
  write: (bytes: Buffer | string) => Promise<void>;
  signal: AbortSignal | undefined;
}

/** Writes `copies` copies of `source`'s data lines under its header to `out`, whole or not at all. */
export async function repeatDataset(options: RepeatOptions): Promise<RepeatStats> {
  const { source, copies, out, signal } = options;
  if (!Number.isInteger(copies) || copies < 1 || copies > MAX_COPIES) {
    throw new UsageError(`copies must be a whole number from 1 to ${MAX_COPIES} (copy numbers have two digits), got ${String(copies)}.`);
  }
  const head = readHead(source);
  // Latin-1 maps every byte to one character and back, so the bytes of any ASCII-based encoding
  // (the real file's ISO-8859-1, UTF-8 too) pass through unchanged without knowing which it is.
  if (utf16Bom(head.bytes)) throw new LoadError(`${source} is UTF-16 text; repeat a UTF-8 or ISO-8859-1 export (save it again as CSV UTF-8).`);
  const lineEnd = lineEndOf(head.bytes.toString("latin1"));
  try {
    return await writeAtomicallyWith(out, async (partial) => {
      const sink = fs.createWriteStream(partial);
      // The write callbacks report a failure; the event would otherwise crash the process.
      sink.on("error", () => undefined);
      const write = (bytes: Buffer | string) => new Promise<void>((resolve, reject) => sink.write(bytes, (error) => (error ? reject(error) : resolve())));
      try {
        const pass: Pass = { source, gzip: head.gzip, lineEnd, write, signal };
        let lines = await writeSource(pass, copies > 1);
        for (let copy = 1; copy < copies; copy += 1) lines += await writeRenumbered(pass, copy);
        sink.end();
        await finished(sink);
        return { lines, copies };
      } catch (error) {
        // Closed before the partial is removed, so no write lands after the removal.
        sink.destroy();
        throw error;
      }
    });
  } catch (error) {
    if (error instanceof EcomError || signal?.aborted) throw error;
    throw new EcomError(`Cannot write ${out}: ${(error as Error).message}`, { cause: error });
  }
}

/** The first bytes of the file's text (decompressed when it is gzip), and whether it is gzip. */
function readHead(source: string): { bytes: Buffer; gzip: boolean } {
  let raw: Buffer;
  try {
    if (!fs.statSync(source).isFile()) throw new LoadError(`${source} is not a file.`);
    raw = readFileStart(source);
  } catch (error) {
    if (error instanceof LoadError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : `cannot read it (${code ?? (error as Error).message})`;
    throw new LoadError(`${source}: ${reason}. Check the path given to --from.`, { cause: error });
  }
  if (raw.subarray(0, 4).equals(Buffer.from("PK\x03\x04", "latin1"))) {
    throw new LoadError(`${source} is a zip archive or an Excel workbook; repeat a CSV or a .csv.gz.`);
  }
  const gzip = isGzip(raw);
  if (!gzip) return { bytes: raw, gzip };
  try {
    return { bytes: decompressStart(raw), gzip };
  } catch (error) {
    throw new LoadError(`${source}: the gzip data is damaged (${(error as Error).message}); fetch or compress the file again.`, { cause: error });
  }
}

/** How the file's first line ends, which the copies' lines end with too. */
function lineEndOf(text: string): LineEnd {
  const end = text.search(/[\r\n]/);
  if (end === -1 || text[end] === "\n") return "\n";
  return text[end + 1] === "\n" ? "\r\n" : "\r";
}

/** A strict parser: a line the loader would refuse (a wrong number of fields, a stray quote) stops the writing. */
function csvParser(pass: Pass) {
  return parse({ encoding: "latin1", record_delimiter: pass.lineEnd });
}

/** The positions of InvoiceNo and CustomerID, from the header record (refused unless it has the eight columns). */
function keyColumns(header: string[], source: string): { invoice: number; customer: number } {
  // A UTF-8 byte order mark, seen through Latin-1, is not part of the first column's name.
  const names = header.map((field, index) => (index === 0 ? field.replace(/^\u00ef\u00bb\u00bf/, "") : field));
  const columns = mapHeaderFields(names, { file: source, at: "line 1", field: (index) => `field ${index + 1}` });
  return { invoice: columns.indexOf("invoice_no"), customer: columns.indexOf("customer_id") };
}

/**
 * Copy 0: the source's bytes as they are, header included, checked on the way by parsing them, so
 * that a malformed line (or, with copies to follow, a customer id too large) stops the writing
 * before any other copy. Returns its data lines.
 */
async function writeSource(pass: Pass, copiesFollow: boolean): Promise<number> {
  const { source } = pass;
  let lastByte: number | undefined;
  async function* writeThrough(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      if (chunk.length > 0) lastByte = chunk[chunk.length - 1];
      await pass.write(chunk);
      yield chunk;
    }
  }
  let lines = 0;
  let customer: number | undefined;
  async function check(records: AsyncIterable<string[]>): Promise<void> {
    for await (const record of records) {
      if (customer === undefined) {
        customer = keyColumns(record, source).customer;
        continue;
      }
      lines += 1;
      if (copiesFollow) checkCustomer(record[customer] ?? "", source, lines + 1);
    }
  }
  await readSource(pass, writeThrough, csvParser(pass), check);
  if (customer === undefined) throw new LoadError(`${source} is empty: not even a header line. Repeat an Online Retail export.`);
  // The next copy starts on a line of its own even when the source's last line has no line end.
  if (lastByte !== undefined && lastByte !== 0x0a && lastByte !== 0x0d && copiesFollow) await pass.write(pass.lineEnd);
  return lines;
}

/** Copy `copy` (1 to 99): the source's data lines with the copy's own invoices and customers. Returns its data lines. */
async function writeRenumbered(pass: Pass, copy: number): Promise<number> {
  const { source, lineEnd } = pass;
  const toBytes = (records: string[][]) => Buffer.from(stringify(records, { record_delimiter: lineEnd }), "latin1");
  let lines = 0;
  async function* renumber(records: AsyncIterable<string[]>): AsyncGenerator<Buffer> {
    let header: string[] | undefined;
    let columns = { invoice: -1, customer: -1 };
    let batch: string[][] = [];
    for await (const record of records) {
      if (header === undefined) {
        header = record;
        columns = keyColumns(record, source);
        continue;
      }
      lines += 1;
      batch.push(isHeaderAgain(record, header) ? record : renumbered(record, copy, columns));
      if (batch.length >= BATCH_RECORDS) {
        yield toBytes(batch);
        batch = [];
      }
    }
    if (batch.length > 0) yield toBytes(batch);
  }
  await readSource(pass, csvParser(pass), renumber, async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) await pass.write(chunk);
  });
  return lines;
}

/** A stage of a pass after the source's text: a stream, or a function of the stage before's output. */
type Stage = NodeJS.ReadWriteStream | NodeJS.WritableStream | ((input: AsyncIterable<never>) => AsyncIterable<unknown> | Promise<void>);

/**
 * Streams the source's text through `stages`. The output file is written by the stages, not piped
 * into, since it stays open from one copy to the next.
 */
async function readSource(pass: Pass, ...stages: Stage[]): Promise<void> {
  const streams = [fs.createReadStream(pass.source), pass.gzip ? zlib.createGunzip() : new PassThrough(), ...stages];
  try {
    // pipeline's overloads take a fixed list of stages; this list is built, hence the cast.
    await pipeline(streams as unknown as readonly NodeJS.ReadWriteStream[], pass.signal ? { signal: pass.signal } : {});
  } catch (error) {
    throw explainReadError(error, pass.source);
  }
}

/** A line identical to the header (two exports joined with `cat`) stays as it is: the loader skips it. */
function isHeaderAgain(record: string[], header: string[]): boolean {
  return record.length === header.length && record.every((field, index) => field === header[index]);
}

/** A data line as copy `copy` writes it: its own invoice and customer, every other field as it was. */
function renumbered(record: string[], copy: number, columns: { invoice: number; customer: number }): string[] {
  const result = record.slice();
  const invoice = record[columns.invoice] ?? "";
  // An empty invoice stays empty, so that staging rejects the line in every copy as in the source.
  if (invoice !== "") {
    const letters = /^[A-Za-z]*/.exec(invoice)?.[0] ?? "";
    result[columns.invoice] = letters + String(copy).padStart(2, "0") + invoice.slice(letters.length);
  }
  const parts = CUSTOMER_ID.exec(record[columns.customer] ?? "");
  // Anything but a number (empty, NA, a typo) means no customer to staging, and stays as it is.
  if (parts) {
    const [, before = "", digits = "", fraction = "", after = ""] = parts;
    result[columns.customer] = `${before}${copy * CUSTOMER_SPAN + Number(digits)}${fraction}${after}`;
  }
  return result;
}

/** Refuses an id that would meet another copy's customers, before any copy but the first is written. */
function checkCustomer(customer: string, source: string, line: number): void {
  const digits = CUSTOMER_ID.exec(customer)?.[2];
  if (digits !== undefined && Number(digits) >= CUSTOMER_SPAN) {
    throw new LoadError(
      `${source}, line ${line}: CustomerID ${digits} is ${CUSTOMER_SPAN} or more, so its copies could be other customers' ids ` +
        `(copy k's customers are k * ${CUSTOMER_SPAN} + id); only files whose customer ids are below ${CUSTOMER_SPAN} can be repeated.`
    );
  }
}

/** csv-parse's and zlib's failures in our words, naming the file and the line. */
function explainReadError(error: unknown, source: string): unknown {
  if (error instanceof EcomError || (error as Error).name === "AbortError") return error;
  if (error instanceof CsvError) {
    const refused = "so the file cannot be repeated. `ecom load` lists every such line.";
    if (error.code === "CSV_QUOTE_NOT_CLOSED") {
      // Only the end of the file is known, where the parser found the quote still open.
      const record = Number(error.records) + 1;
      return new LoadError(`${source}: the quote opened in record ${record} (the header is record 1) is never closed, ${refused}`, { cause: error });
    }
    const problem = error.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH" ? "it has another number of fields than the header" : "a quote stands where CSV does not allow one";
    return new LoadError(`${source}, line ${error.lines}: ${problem}, ${refused}`, { cause: error });
  }
  const code = (error as NodeJS.ErrnoException).code ?? "";
  if (code.startsWith("Z_")) {
    return new LoadError(`${source}: the gzip data is damaged or truncated (${(error as Error).message}); fetch or compress the file again.`, { cause: error });
  }
  return new LoadError(`${source}: cannot read it to the end (${(error as Error).message}).`, { cause: error });
}
