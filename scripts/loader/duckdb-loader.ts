import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { LoadError } from "../errors";
import { secondsSince, startTimer } from "../timing";
import { quoteIdentifier, quoteString } from "../warehouse/duckdb";
import type { Row, Warehouse } from "../warehouse/warehouse";
import * as iconv from "iconv-lite";
import { cleanCsvHeader, cleanCsvLine, RECORD_COLUMN } from "./clean-csv";
import { describeCsvError, truncate } from "./csv-errors";
import { mapHeader, splitCsvLine } from "./csv-header";
import { scanCsv, type BadRecord } from "./csv-scan";
import { sniffFile } from "./file-kind";
import { decodeText, guessFromHead, ICONV_NAMES, probeFile, type FileProbe, type HeadGuess, type SourceEncoding, type TextEncoding } from "./file-probe";
import contract = require("../../includes/contract");
import landing = require("../../includes/landing");
import retail = require("../../includes/retail");

/** The dataset the files land in: the data contract's, named there once. */
export const RAW_SCHEMA: string = contract.DATASETS.raw;

export interface FileLoadResult {
  file: string;
  sourceFile: string;
  status: "loaded" | "replaced" | "unchanged" | "refused";
  /** When a version of a file with this name was loaded before from another path. */
  previousPath?: string;
  rows: number;
  /** Malformed lines set aside in raw_sales_malformed (only with maxBadLines). */
  malformedLines: number;
  /** Lines inside the file identical to its header (files joined with `cat`), skipped. */
  repeatedHeaders: number;
  loadId: string;
  /** The text's encoding, or "xlsx" for a worksheet. */
  encoding: TextEncoding | "xlsx";
  seconds: number;
  /** Why the file was refused (status "refused"): nothing of it landed. */
  error?: LoadError;
  /** Something the person loading should know (a workbook's sheets that were left out). */
  note?: string;
}

/** Progress of one file's load, for a progress bar. */
export type LoadProgress =
  | { phase: "reading"; file: string; bytesDone: number; bytesTotal: number }
  | { phase: "landing"; file: string; percent: number }
  | { phase: "done"; file: string };

export interface LoadOptions {
  /** Read the file in this encoding instead of detecting it. */
  encoding?: TextEncoding;
  /** Malformed lines to set aside in raw_sales_malformed before refusing the file (default 0). */
  maxBadLines?: number;
  /** Load even when the ledger already holds this file version. */
  force?: boolean;
  /** Load a file whose content is byte-identical to an already-loaded file of another name. */
  allowCopies?: boolean;
  /** How the ledger names this file version, when it came from elsewhere (a downloaded GCS object, a zip member). */
  identity?: FileIdentity;
  onProgress?: (progress: LoadProgress) => void;
}

/** How the ledger names a file version. */
export interface FileIdentity {
  sourceFile: string;
  sourcePath: string;
  checksum: string;
  size: number;
  /**
   * Whether the checksum is of the content (SHA-256), so that equal checksums mean a copy. A GCS
   * object's generation is not: two objects with one generation may differ.
   */
  contentChecksum?: boolean;
}

const SOURCE_COLUMNS: readonly string[] = retail.SOURCE_COLUMN_NAMES;
/** How many bad lines a refusal lists; the count is always given. */
const BAD_LINES_SHOWN = 10;

/** Creates the landing tables when absent; they are the data contract's landing tables, in its raw dataset. */
export async function ensureRawTables(warehouse: Warehouse): Promise<void> {
  await warehouse.run(`
    CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(warehouse.catalog)}.${RAW_SCHEMA};
    ${landing.landingTablesDdl((table) => warehouse.table(RAW_SCHEMA, table), "duckdb")}`);
}

/** A file version read into a temporary landing table, ready to replace its file's rows. */
export interface LandedUnit {
  identity: FileIdentity;
  /** The temporary table holding its rows. */
  landing: string;
  /** The expression of the landing table that is the record number. */
  recordNumber: string;
  bad: BadRecord[];
  repeatedHeaders: number;
  encoding: TextEncoding | "xlsx";
}

/**
 * Lands one local CSV file (plain or gzip; UTF-8, ISO-8859-1, Windows-1252 or UTF-16; LF, CRLF or
 * CR line endings) into the raw dataset's raw_sales, every field as text exactly as written, with its
 * record number. The file version (SHA-256) goes into the ledger: the same version again changes
 * nothing, a changed version replaces the file's rows. Either every row of the file lands together
 * with its ledger row, or nothing does. Malformed lines refuse the file, listed by line, unless
 * `maxBadLines` lets them be set aside in raw_sales_malformed. Lines repeating the header are skipped
 * and counted. Workbooks and zip archives go through loadFile.
 */
export async function loadLocalFile(warehouse: Warehouse, file: string, options: LoadOptions = {}): Promise<FileLoadResult> {
  const started = startTimer();
  const label = options.identity?.sourcePath.startsWith("gs://") ? options.identity.sourcePath : file;
  const kind = sniffFile(file, options.encoding);
  if (kind === "zip") {
    throw new LoadError(`${label} is a zip file (an archive or an Excel workbook), not a CSV file: load it with ecom load or ecom pipeline, which open it.`);
  }
  const sourceFile = options.identity?.sourceFile ?? path.basename(file);
  await ensureRawTables(warehouse);
  const landingTable = newLandingTable();
  // The probe reads the whole file (checksum, encoding); DuckDB's read of it, the landing, need not
  // wait for it when the file's head already tells how DuckDB reads it: both run at once, on the two
  // cores, and the probe then confirms the guess or the landing is done again. Nothing is decided
  // before the probe ends, so every refusal is what it was, and in the same order.
  // One progress bar at a time: the landing's shows once the reading's is done.
  let reading = true;
  const onProgress = options.onProgress;
  const landingOptions: LoadOptions = { ...options, ...(onProgress ? { onProgress: (progress: LoadProgress) => (reading ? undefined : onProgress(progress)) } : {}) };
  const early = await startEarlyLanding(warehouse, file, kind === "gzip", sourceFile, label, landingTable, landingOptions);
  let probe: FileProbe;
  try {
    probe = await probeFile(file, (bytesDone, bytesTotal) => onProgress?.({ phase: "reading", file, bytesDone, bytesTotal }));
    reading = false;
  } catch (error) {
    await early?.finished;
    await warehouse.run(`DROP TABLE IF EXISTS ${landingTable}`);
    throw error;
  }
  // The connection runs one statement at a time: the landing ends before anything else is asked.
  const earlyLanded = await early?.finished;
  const temporary = fs.mkdtempSync(path.join(os.tmpdir(), "ecom-load-"));
  try {
    const encoding = options.encoding ?? probe.textEncoding;
    const headerLine = options.encoding && options.encoding !== probe.textEncoding ? await headerLineIn(file, probe.gzip, options.encoding) : probe.headerLine;
    const columnsInFileOrder = mapHeader(headerLine, label);
    const identity = options.identity ?? localIdentity(file, probe.checksum, probe.size);
    const before = await checkVersion(warehouse, identity, label, options);
    if (before.unchanged) return unchangedResult(before.unchanged, file, encoding, secondsSince(started));

    const confirmed =
      early !== undefined && earlyLanded !== undefined && earlyLanded.readable.encoding === encoding && early.guess.headerLine === headerLine && probe.lineEnding === "lf";
    let landed: { bad: BadRecord[]; recordNumber: string };
    if (confirmed) {
      landed = await finishLanding(warehouse, { label, readable: earlyLanded.readable, columnsInFileOrder, landingTable, options }, earlyLanded.outcome);
    } else {
      await warehouse.run(`DROP TABLE IF EXISTS ${landingTable}`);
      // DuckDB reads UTF-8 and ISO-8859-1 with LF or CRLF itself; anything else is converted first.
      let readable = { file, gzip: probe.gzip, encoding: encoding as SourceEncoding };
      if ((encoding !== "utf-8" && encoding !== "latin-1") || probe.lineEnding === "cr") {
        const converted = path.join(temporary, "utf8.csv");
        await convertToUtf8(file, probe.gzip, encoding, probe.lineEnding === "cr", converted);
        readable = { file: converted, gzip: false, encoding: "utf-8" };
      }
      landed = await landFile(warehouse, { label, readable, columnsInFileOrder, landingTable, options });
    }
    const { bad, recordNumber } = landed;
    const headerFields = splitCsvLine(headerLine.replace(/^\uFEFF/, ""));
    const repeatedHeaders = await skipRepeatedHeaders(warehouse, landingTable, columnsInFileOrder, headerFields);
    const [committed] = await commitUnits(warehouse, [{ identity, landing: landingTable, recordNumber, bad, repeatedHeaders, encoding }]);
    return { ...(committed as FileLoadResult), file, seconds: secondsSince(started) };
  } finally {
    await warehouse.run(`DROP TABLE IF EXISTS ${landingTable}`);
    fs.rmSync(temporary, { recursive: true, force: true });
  }
}

/** A landing started before the probe ended, on the head's word. */
interface EarlyLanding {
  guess: HeadGuess;
  /**
   * Resolves when DuckDB's strict read has ended, with the file as it was last read (the head's
   * encoding, or ISO-8859-1 after a UTF-8 read met a byte that is not UTF-8) and the outcome of that
   * read: `undefined` error when it landed the file.
   */
  finished: Promise<{ readable: LandingJob["readable"]; outcome: { error?: unknown } }>;
}

/**
 * Starts DuckDB's strict read of the file into the landing table while the probe reads it, when the
 * head tells how DuckDB reads it, the header maps, and no file of this name and size is in the
 * ledger (then this is most likely the same version again, which the probe will find unchanged:
 * landing it would be work thrown away).
 */
async function startEarlyLanding(
  warehouse: Warehouse,
  file: string,
  gzip: boolean,
  sourceFile: string,
  label: string,
  landingTable: string,
  options: LoadOptions
): Promise<EarlyLanding | undefined> {
  const guess = guessFromHead(file, gzip, options.encoding);
  if (guess === undefined) return undefined;
  let columnsInFileOrder: string[];
  try {
    columnsInFileOrder = mapHeader(guess.headerLine, label);
  } catch {
    return undefined; // the probe's header line will be refused in the same words, in its turn
  }
  const size = options.identity?.size ?? fs.statSync(file, { throwIfNoEntry: false })?.size;
  if (size === undefined) return undefined;
  const sameSize = await warehouse.scalar(
    `SELECT COUNT(*) FROM ${warehouse.table(RAW_SCHEMA, "load_ledger")} WHERE source_file = ? AND file_size = ?`,
    [sourceFile, size]
  );
  if (Number(sameSize) > 0 && !options.force) return undefined;
  const job = { label, columnsInFileOrder, landingTable, options };
  const readAs = async (encoding: SourceEncoding) => {
    const readable = { file, gzip, encoding };
    return { readable, outcome: await strictLanding(warehouse, { ...job, readable }) };
  };
  const finished = readAs(guess.encoding).then(async (first) => {
    // An ASCII head and a £ further down: the export is most likely ISO-8859-1 (the classic data.csv is).
    // DuckDB says so at the first such byte, long before the probe has read the file: reading it again
    // as ISO-8859-1 now, beside the probe, saves waiting for the probe to say it. The probe still
    // decides: when it finds Windows-1252 instead, this landing is not used.
    if (options.encoding !== undefined || first.readable.encoding !== "utf-8" || !isNotUtf8Error(first.outcome.error)) return first;
    await warehouse.run(`DROP TABLE IF EXISTS ${landingTable}`);
    return readAs("latin-1");
  });
  return { guess, finished };
}

/** Whether DuckDB refused a read as UTF-8 because a byte sequence in the file is not UTF-8. */
function isNotUtf8Error(error: unknown): boolean {
  return error instanceof Error && /invalid unicode|not utf-8 encoded/i.test(error.message);
}
/** A local file's identity: its name, as daily exports are identified, and its content's hash. */
export function localIdentity(file: string, checksum: string, size: number): FileIdentity {
  return { sourceFile: path.basename(file), sourcePath: path.resolve(file), checksum, size, contentChecksum: true };
}

export function newLandingTable(): string {
  return quoteIdentifier(`landing_${randomUUID().replace(/-/g, "")}`);
}

/** The result of a file version the ledger already holds (a ledger row: source_file, load_id, rows_loaded, malformed_lines). */
export function unchangedResult(row: Row, file: string, encoding: FileLoadResult["encoding"], seconds: number): FileLoadResult {
  return {
    file,
    sourceFile: String(row.source_file),
    status: "unchanged",
    rows: Number(row.rows_loaded),
    malformedLines: Number(row.malformed_lines),
    repeatedHeaders: 0,
    loadId: String(row.load_id),
    encoding,
    seconds,
  };
}

/** The latest ledger version of a file, and whether this version is already it. */
interface VersionCheck {
  /** The ledger row of this very version. */
  unchanged?: Row;
}

/**
 * Before anything lands: the same version of the same file again is unchanged (unless forced), and a
 * file whose content is already loaded under another name is a copy, refused unless allowed (its
 * sales would count twice).
 */
export async function checkVersion(warehouse: Warehouse, identity: FileIdentity, label: string, options: LoadOptions): Promise<VersionCheck> {
  const ledger = warehouse.table(RAW_SCHEMA, "load_ledger");
  const [latest] = await warehouse.query(
    `SELECT source_file, load_id, checksum, rows_loaded, malformed_lines FROM ${ledger} WHERE source_file = ? ORDER BY loaded_at DESC LIMIT 1`,
    [identity.sourceFile]
  );
  if (latest && latest.checksum === identity.checksum && !options.force) {
    return {
      unchanged: latest,
    };
  }
  if (identity.contentChecksum && !options.allowCopies) {
    const [copy] = await warehouse.query(
      `SELECT source_file FROM (
         SELECT source_file, checksum, ROW_NUMBER() OVER (PARTITION BY source_file ORDER BY loaded_at DESC) AS version FROM ${ledger}
       ) WHERE version = 1 AND checksum = ? AND source_file <> ? ORDER BY source_file LIMIT 1`,
      [identity.checksum, identity.sourceFile]
    );
    if (copy) {
      throw new LoadError(
        `${label}: the same content, byte for byte, as ${String(copy.source_file)}, which is already loaded. Loading it too would count those ` +
          "sales twice, so nothing was loaded from it. If it really holds other sales, load it with --allow-copies."
      );
    }
  }
  return {};
}

/**
 * Replaces, in one transaction, the rows of each unit's file with its landing table's, and records
 * each version in the ledger: all of them land, or none. `replaceAlso` names more source files whose
 * rows go (the sheets an earlier version of a workbook had).
 */
export async function commitUnits(warehouse: Warehouse, units: LandedUnit[], replaceAlso: string[] = []): Promise<Omit<FileLoadResult, "file" | "seconds">[]> {
  const loadedAt = new Date().toISOString().replace("T", " ").replace("Z", "");
  const raw = warehouse.table(RAW_SCHEMA, "raw_sales");
  const malformed = warehouse.table(RAW_SCHEMA, "raw_sales_malformed");
  const ledger = warehouse.table(RAW_SCHEMA, "load_ledger");
  return warehouse.transaction(async () => {
    const results: Omit<FileLoadResult, "file" | "seconds">[] = [];
    for (const sourceFile of replaceAlso) {
      await warehouse.run(`DELETE FROM ${raw} WHERE _source_file = ?`, [sourceFile]);
      await warehouse.run(`DELETE FROM ${malformed} WHERE source_file = ?`, [sourceFile]);
    }
    for (const unit of units) {
      const { identity } = unit;
      const loadId = randomUUID();
      const [latest] = await warehouse.query(`SELECT source_path FROM ${ledger} WHERE source_file = ? ORDER BY loaded_at DESC LIMIT 1`, [identity.sourceFile]);
      await warehouse.run(`DELETE FROM ${raw} WHERE _source_file = ?`, [identity.sourceFile]);
      await warehouse.run(`DELETE FROM ${malformed} WHERE source_file = ?`, [identity.sourceFile]);
      await warehouse.run(
        `INSERT INTO ${raw} (${SOURCE_COLUMNS.join(", ")}, _source_file, _source_row, _load_id, _loaded_at)
         SELECT ${SOURCE_COLUMNS.join(", ")}, ?, ${unit.recordNumber}, ?, CAST(? AS TIMESTAMP) FROM ${unit.landing}`,
        [identity.sourceFile, loadId, loadedAt]
      );
      for (const record of unit.bad) {
        await warehouse.run(`INSERT INTO ${malformed} VALUES (?, ?, ?, ?, ?, CAST(? AS TIMESTAMP))`, [
          identity.sourceFile,
          record.line,
          record.text,
          record.problem,
          loadId,
          loadedAt,
        ]);
      }
      const landed = Number(await warehouse.scalar(`SELECT COUNT(*) FROM ${unit.landing}`));
      await warehouse.run(
        `INSERT INTO ${ledger} (load_id, source_file, source_path, file_size, checksum, rows_loaded, loaded_at, malformed_lines)
         VALUES (?, ?, ?, ?, ?, ?, CAST(? AS TIMESTAMP), ?)`,
        [loadId, identity.sourceFile, identity.sourcePath, identity.size, identity.checksum, landed, loadedAt, unit.bad.length]
      );
      results.push({
        sourceFile: identity.sourceFile,
        status: latest ? "replaced" : "loaded",
        ...(latest && latest.source_path !== identity.sourcePath ? { previousPath: String(latest.source_path) } : {}),
        rows: landed,
        malformedLines: unit.bad.length,
        repeatedHeaders: unit.repeatedHeaders,
        loadId,
        encoding: unit.encoding,
      });
    }
    return results;
  });
}

/**
 * Removes from a landing table the records that repeat the header (two exports joined with `cat`, an
 * Excel "CSV UTF-8" export's BOM included), compared as the header is: case, blanks, underscores and
 * a BOM ignored. Returns how many. The remaining rows keep their record numbers (rowid is stable
 * under DELETE), so every line is still found where it is in the file.
 */
export async function skipRepeatedHeaders(warehouse: Warehouse, landingTable: string, columns: string[], headerFields: string[]): Promise<number> {
  const normalised = (column: string) => `lower(regexp_replace(${quoteIdentifier(column)}, '[\\s\\p{Z}_\\x{FEFF}]+', '', 'g'))`;
  const condition = columns
    .map((column, index) => {
      const expected = retail.normaliseHeader(headerFields[index] ?? "");
      // Normalising drops characters and lowercases them one for one, so a value shorter than the
      // normalised name cannot be it: the cheap test spares nearly every data line the regular
      // expression (0.56 s against 0.08 s for this count on 9.75 million lines).
      return `length(${quoteIdentifier(column)}) >= ${[...expected].length} AND ${normalised(column)} = ${quoteString(expected)}`;
    })
    .join(" AND ");
  const repeated = Number(await warehouse.scalar(`SELECT COUNT(*) FROM ${landingTable} WHERE ${condition}`));
  if (repeated > 0) await warehouse.run(`DELETE FROM ${landingTable} WHERE ${condition}`);
  // A BOM further down (a second export's, where its header was mangled or absent) is not data.
  const first = quoteIdentifier(columns[0] ?? "");
  await warehouse.run(`UPDATE ${landingTable} SET ${first} = substr(${first}, 2) WHERE starts_with(${first}, chr(65279))`);
  return repeated;
}

/** What one landing of a CSV file needs: the file as DuckDB reads it, its columns, the table it lands in. */
interface LandingJob {
  label: string;
  readable: { file: string; gzip: boolean; encoding: SourceEncoding };
  columnsInFileOrder: string[];
  landingTable: string;
  options: LoadOptions;
}

/**
 * Reads the file into a temporary landing table, and says which expression there is the data record
 * number. The fast path is DuckDB's strict CSV reader: the landing table keeps the file's order
 * (DuckDB preserves insertion order), so rowid + 1 is the record number; the slow path is in
 * finishLanding.
 */
async function landFile(warehouse: Warehouse, job: LandingJob): Promise<{ bad: BadRecord[]; recordNumber: string }> {
  return finishLanding(warehouse, job, await strictLanding(warehouse, job));
}

/** DuckDB's strict CSV reader, the fast path: the whole file into the landing table, or the reader's error. */
async function strictLanding(warehouse: Warehouse, job: LandingJob): Promise<{ error?: unknown }> {
  const { readable } = job;
  const columns = `{${job.columnsInFileOrder.map((column) => `${quoteString(column)}: 'VARCHAR'`).join(", ")}}`;
  try {
    await withLandingProgress(warehouse, job.label, job.options, () =>
      warehouse.run(`CREATE TEMP TABLE ${job.landingTable} AS SELECT * FROM ${readCsv(path.resolve(readable.file), readable.gzip, columns, readable.encoding)}`)
    );
    return {};
  } catch (error) {
    return { error };
  }
}

/**
 * After the strict read: when it landed the file, the landing table holds it in the file's order, so
 * rowid + 1 is the record number. When it refused the file, the file is scanned to find every
 * malformed line: too many refuse it, listed; otherwise the good records land and the bad ones are
 * returned to be set aside.
 */
async function finishLanding(warehouse: Warehouse, job: LandingJob, strict: { error?: unknown }): Promise<{ bad: BadRecord[]; recordNumber: string }> {
  const { label, readable, columnsInFileOrder, landingTable, options } = job;
  if (!("error" in strict)) return { bad: [], recordNumber: "rowid + 1" };
  const strictError = strict.error;
  await warehouse.run(`DROP TABLE IF EXISTS ${landingTable}`);
  const text = decodeFile(readable.file, readable.gzip, readable.encoding);
  const scan = scanCsv(text, columnsInFileOrder.length);
  const duckdbMessage = strictError instanceof Error ? strictError.message : String(strictError);
  if (scan.bad.length === 0) throw new LoadError(describeCsvError(label, duckdbMessage), { cause: strictError });
  const allowed = options.maxBadLines ?? 0;
  if (scan.bad.length > allowed) throw new LoadError(describeBadLines(label, scan.bad, allowed), { cause: strictError });

  // Land the good records through a clean copy: every field quoted, empty unquoted fields (NULL) left empty.
  const cleanFile = path.join(os.tmpdir(), `ecom-clean-${process.pid}-${Date.now()}.csv`);
  try {
    const lines = scan.good.map((record) => cleanCsvLine(record.record, record.fields.map((value, index) => (record.nulls[index] ? null : value))));
    fs.writeFileSync(cleanFile, `${cleanCsvHeader(columnsInFileOrder)}\n${lines.join("\n")}\n`, "utf8");
    await landCleanFile(warehouse, cleanFile, columnsInFileOrder, landingTable);
  } finally {
    fs.rmSync(cleanFile, { force: true });
  }
  return { bad: scan.bad, recordNumber: RECORD_COLUMN };
}

/** Reads one of the loader's clean CSVs (clean-csv.ts) into a landing table. */
export async function landCleanFile(warehouse: Warehouse, cleanFile: string, columnsInFileOrder: string[], landingTable: string): Promise<void> {
  const columns = `{'${RECORD_COLUMN}': 'BIGINT', ${columnsInFileOrder.map((column) => `${quoteString(column)}: 'VARCHAR'`).join(", ")}}`;
  await warehouse.run(`CREATE TEMP TABLE ${landingTable} AS SELECT * FROM ${readCsv(cleanFile, false, columns, "utf-8")}`);
}

function readCsv(source: string, compressed: boolean, columns: string, encoding: SourceEncoding): string {
  return `read_csv(${quoteString(source)}, header = true, delim = ',', quote = '"', escape = '"', columns = ${columns},
       encoding = ${quoteString(encoding)}, compression = ${compressed ? "'gzip'" : "'none'"},
       auto_detect = false, strict_mode = true, null_padding = false)`;
}

async function withLandingProgress<T>(warehouse: Warehouse, file: string, options: LoadOptions, work: () => Promise<T>): Promise<T> {
  const report = options.onProgress;
  // An engine that cannot tell how far a statement has got gives no progress but the end.
  if (!report || !warehouse.progressPercent) return work();
  const timer = setInterval(() => {
    const percent = warehouse.progressPercent?.();
    if (percent !== undefined) report({ phase: "landing", file, percent });
  }, 200);
  try {
    const result = await work();
    report({ phase: "landing", file, percent: 100 });
    return result;
  } finally {
    clearInterval(timer);
  }
}

function decodeFile(file: string, gzip: boolean, encoding: SourceEncoding): string {
  const bytes = fs.readFileSync(file);
  // A BOM at the start of a line is a joined export's (see skipRepeatedHeaders), not data.
  return (gzip ? zlib.gunzipSync(bytes) : bytes)
    .toString(encoding === "utf-8" ? "utf8" : "latin1")
    .replace(/^\uFEFF/, "")
    .replace(/\n\uFEFF/g, "\n");
}

/**
 * Writes a file's text as UTF-8 with LF or CRLF line endings, the form DuckDB reads: Windows-1252 and
 * UTF-16 decoded by iconv-lite, a carriage return alone (old Mac) made a line feed. Streams, so a
 * file of any size converts in constant memory.
 */
async function convertToUtf8(file: string, gzip: boolean, encoding: TextEncoding, crLineEndings: boolean, out: string): Promise<void> {
  const decoder = iconv.getDecoder(encoding === "latin-1" ? "latin1" : encoding === "utf-8" ? "utf8" : ICONV_NAMES[encoding]);
  const raw = fs.createReadStream(file);
  const content: AsyncIterable<Buffer> = gzip ? raw.pipe(zlib.createGunzip()) : raw;
  const descriptor = fs.openSync(out, "w");
  let carriedCr = false;
  const write = (text: string) => {
    let chunk = text;
    if (crLineEndings) {
      // A CR at a chunk's end may be the first half of a CRLF: keep it for the next chunk.
      chunk = (carriedCr ? "\r" : "") + chunk;
      carriedCr = chunk.endsWith("\r");
      if (carriedCr) chunk = chunk.slice(0, -1);
      chunk = chunk.replace(/\r\n?/g, "\n");
    }
    if (chunk !== "") fs.writeSync(descriptor, chunk, null, "utf8");
  };
  try {
    for await (const bytes of content) write(decoder.write(bytes));
    write(decoder.end() ?? "");
    if (carriedCr) fs.writeSync(descriptor, "\n");
  } finally {
    fs.closeSync(descriptor);
  }
}

/** The header line when the file is read in an encoding other than the detected one. */
async function headerLineIn(file: string, gzip: boolean, encoding: TextEncoding): Promise<string> {
  const raw = fs.readFileSync(file);
  const bytes = (gzip ? zlib.gunzipSync(raw) : raw).subarray(0, 64 * 1024);
  const text = decodeText(bytes, encoding).replace(/^\uFEFF/, "");
  const end = text.search(/[\r\n]/);
  return end === -1 ? text : text.slice(0, end);
}

export function describeBadLines(file: string, bad: BadRecord[], allowed: number, unit = "line"): string {
  const shown = bad.slice(0, BAD_LINES_SHOWN).map((record) => `  ${unit} ${record.line}: ${record.problem}: ${truncate(record.text, 120)}`);
  const more = bad.length > BAD_LINES_SHOWN ? [`  ... and ${bad.length - BAD_LINES_SHOWN} more`] : [];
  const advice =
    allowed === 0
      ? `Fix these ${unit}s, or load with --max-bad-lines ${bad.length} to set them aside in ${RAW_SCHEMA}.raw_sales_malformed and land the rest.`
      : `That is more than --max-bad-lines ${allowed}: fix the file, or raise the limit.`;
  return [`${file}: ${bad.length} malformed ${unit}(s); nothing was loaded from this file.`, ...shown, ...more, advice].join("\n");
}
