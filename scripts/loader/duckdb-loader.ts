import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { LoadError } from "../errors";
import { secondsSince, startTimer } from "../timing";
import { DuckDbWarehouse, quoteIdentifier, quoteString } from "../warehouse/duckdb";
import { describeCsvError, truncate } from "./csv-errors";
import { mapHeader } from "./csv-header";
import { scanCsv, type BadRecord } from "./csv-scan";
import { probeFile, type FileProbe, type SourceEncoding } from "./file-probe";
import landing = require("../../includes/landing");
import retail = require("../../includes/retail");

export const RAW_SCHEMA = "ecommerce_raw";

export interface FileLoadResult {
  file: string;
  sourceFile: string;
  status: "loaded" | "replaced" | "unchanged";
  /** When a version of a file with this name was loaded before from another path. */
  previousPath?: string;
  rows: number;
  /** Malformed lines set aside in raw_sales_malformed (only with maxBadLines). */
  malformedLines: number;
  loadId: string;
  encoding: SourceEncoding;
  seconds: number;
}

/** Progress of one file's load, for a progress bar. */
export type LoadProgress =
  | { phase: "reading"; file: string; bytesDone: number; bytesTotal: number }
  | { phase: "landing"; file: string; percent: number }
  | { phase: "done"; file: string };

export interface LoadOptions {
  /** Read the file in this encoding instead of detecting it. */
  encoding?: SourceEncoding;
  /** Malformed lines to set aside in raw_sales_malformed before refusing the file (default 0). */
  maxBadLines?: number;
  /** Load even when the ledger already holds this file version. */
  force?: boolean;
  /** How the ledger names this file version, when it came from elsewhere (a downloaded GCS object). */
  identity?: { sourceFile: string; sourcePath: string; checksum: string; size: number };
  onProgress?: (progress: LoadProgress) => void;
}

const SOURCE_COLUMNS: readonly string[] = retail.SOURCE_COLUMN_NAMES;
/** How many bad lines a refusal lists; the count is always given. */
const BAD_LINES_SHOWN = 10;

/** Creates the landing tables when absent; they match the data contract's `ecommerce_raw`. */
export async function ensureRawTables(warehouse: DuckDbWarehouse): Promise<void> {
  await warehouse.run(`
    CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(warehouse.catalog)}.${RAW_SCHEMA};
    ${landing.landingTablesDdl((table) => warehouse.table(RAW_SCHEMA, table), "duckdb")}`);
}

/**
 * Lands one local `.csv` or `.csv.gz` file into ecommerce_raw.raw_sales, every field as text exactly
 * as written, with its record number. The file version (SHA-256) goes into the ledger: the same
 * version again changes nothing, a changed version replaces the file's rows. Either every row of the
 * file lands together with its ledger row, or nothing does. Malformed lines refuse the file, listed
 * by line, unless `maxBadLines` lets them be set aside in raw_sales_malformed.
 */
export async function loadLocalFile(warehouse: DuckDbWarehouse, file: string, options: LoadOptions = {}): Promise<FileLoadResult> {
  const started = startTimer();
  const probe = await probeFile(file, (bytesDone, bytesTotal) => options.onProgress?.({ phase: "reading", file, bytesDone, bytesTotal }));
  const encoding = options.encoding ?? probe.encoding;
  const columnsInFileOrder = mapHeader(probe.headerLine, file);
  const identity = options.identity ?? { sourceFile: path.basename(file), sourcePath: path.resolve(file), checksum: probe.checksum, size: probe.size };
  await ensureRawTables(warehouse);

  const versions = await warehouse.query(
    `SELECT load_id, checksum, rows_loaded, malformed_lines, source_path FROM ${warehouse.table(RAW_SCHEMA, "load_ledger")}
     WHERE source_file = ? ORDER BY loaded_at DESC LIMIT 1`,
    [identity.sourceFile]
  );
  const latest = versions[0];
  const base = { file, sourceFile: identity.sourceFile, encoding };
  if (latest && latest.checksum === identity.checksum && !options.force) {
    return {
      ...base,
      status: "unchanged",
      rows: Number(latest.rows_loaded),
      malformedLines: Number(latest.malformed_lines),
      loadId: String(latest.load_id),
      seconds: secondsSince(started),
    };
  }

  const loadId = randomUUID();
  const loadedAt = new Date().toISOString().replace("T", " ").replace("Z", "");
  const landing = quoteIdentifier(`landing_${loadId.replace(/-/g, "")}`);
  try {
    const { bad, recordNumber } = await landFile(warehouse, file, probe, encoding, columnsInFileOrder, landing, options);
    const rows = await warehouse.transaction(async () => {
      await warehouse.run(`DELETE FROM ${warehouse.table(RAW_SCHEMA, "raw_sales")} WHERE _source_file = ?`, [identity.sourceFile]);
      await warehouse.run(`DELETE FROM ${warehouse.table(RAW_SCHEMA, "raw_sales_malformed")} WHERE source_file = ?`, [identity.sourceFile]);
      await warehouse.run(
        `INSERT INTO ${warehouse.table(RAW_SCHEMA, "raw_sales")} (${SOURCE_COLUMNS.join(", ")}, _source_file, _source_row, _load_id, _loaded_at)
         SELECT ${SOURCE_COLUMNS.join(", ")}, ?, ${recordNumber}, ?, CAST(? AS TIMESTAMP) FROM ${landing}`,
        [identity.sourceFile, loadId, loadedAt]
      );
      for (const record of bad) {
        await warehouse.run(`INSERT INTO ${warehouse.table(RAW_SCHEMA, "raw_sales_malformed")} VALUES (?, ?, ?, ?, ?, CAST(? AS TIMESTAMP))`, [
          identity.sourceFile,
          record.line,
          record.text,
          record.problem,
          loadId,
          loadedAt,
        ]);
      }
      const landed = Number(await warehouse.scalar(`SELECT COUNT(*) FROM ${landing}`));
      await warehouse.run(
        `INSERT INTO ${warehouse.table(RAW_SCHEMA, "load_ledger")} (load_id, source_file, source_path, file_size, checksum, rows_loaded, loaded_at, malformed_lines)
         VALUES (?, ?, ?, ?, ?, ?, CAST(? AS TIMESTAMP), ?)`,
        [loadId, identity.sourceFile, identity.sourcePath, identity.size, identity.checksum, landed, loadedAt, bad.length]
      );
      return landed;
    });
    return {
      ...base,
      status: latest ? "replaced" : "loaded",
      ...(latest && latest.source_path !== identity.sourcePath ? { previousPath: String(latest.source_path) } : {}),
      rows,
      malformedLines: bad.length,
      loadId,
      seconds: secondsSince(started),
    };
  } finally {
    await warehouse.run(`DROP TABLE IF EXISTS ${landing}`);
  }
}

/**
 * Reads the file into a temporary landing table, and says which expression there is the data record
 * number. The fast path is DuckDB's strict CSV reader: the landing table keeps the file's order
 * (DuckDB preserves insertion order), so rowid + 1 is the record number. When that refuses the file, the file is
 * scanned to find every malformed line: too many refuse it, listed; otherwise the good records land
 * and the bad ones are returned to be set aside.
 */
async function landFile(
  warehouse: DuckDbWarehouse,
  file: string,
  probe: FileProbe,
  encoding: SourceEncoding,
  columnsInFileOrder: string[],
  landing: string,
  options: LoadOptions
): Promise<{ bad: BadRecord[]; recordNumber: string }> {
  const columns = `{${columnsInFileOrder.map((column) => `${quoteString(column)}: 'VARCHAR'`).join(", ")}}`;
  const readCsv = (source: string, compressed: boolean, header: string, sourceEncoding: SourceEncoding) =>
    `read_csv(${quoteString(source)}, header = true, delim = ',', quote = '"', escape = '"', columns = ${header},
       encoding = ${quoteString(sourceEncoding)}, compression = ${compressed ? "'gzip'" : "'none'"},
       auto_detect = false, strict_mode = true, null_padding = false)`;
  let strictError: unknown;
  try {
    await withLandingProgress(warehouse, file, options, () =>
      warehouse.run(`CREATE TEMP TABLE ${landing} AS SELECT * FROM ${readCsv(path.resolve(file), probe.gzip, columns, encoding)}`)
    );
    return { bad: [], recordNumber: "rowid + 1" };
  } catch (error) {
    strictError = error;
  }
  const text = decodeFile(file, probe.gzip, encoding);
  const scan = scanCsv(text, columnsInFileOrder.length);
  const duckdbMessage = strictError instanceof Error ? strictError.message : String(strictError);
  if (scan.bad.length === 0) throw new LoadError(describeCsvError(file, duckdbMessage), { cause: strictError });
  const allowed = options.maxBadLines ?? 0;
  if (scan.bad.length > allowed) throw new LoadError(describeBadLines(file, scan.bad, allowed), { cause: strictError });

  // Land the good records through a clean copy: every field quoted, empty unquoted fields (NULL) left empty.
  const cleanFile = path.join(os.tmpdir(), `ecom-clean-${process.pid}-${Date.now()}.csv`);
  try {
    const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;
    const lines = scan.good.map((record) => [String(record.record), ...record.fields.map((value, index) => (record.nulls[index] ? "" : quote(value)))].join(","));
    fs.writeFileSync(cleanFile, `_record,${columnsInFileOrder.join(",")}\n${lines.join("\n")}\n`, "utf8");
    const cleanColumns = `{'_record': 'BIGINT', ${columns.slice(1)}`;
    await warehouse.run(`CREATE TEMP TABLE ${landing} AS SELECT * FROM ${readCsv(cleanFile, false, cleanColumns, "utf-8")}`);
  } finally {
    fs.rmSync(cleanFile, { force: true });
  }
  return { bad: scan.bad, recordNumber: "_record" };
}

async function withLandingProgress<T>(warehouse: DuckDbWarehouse, file: string, options: LoadOptions, work: () => Promise<T>): Promise<T> {
  const report = options.onProgress;
  if (!report) return work();
  const timer = setInterval(() => {
    const percent = warehouse.progressPercent();
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
  return (gzip ? zlib.gunzipSync(bytes) : bytes).toString(encoding === "utf-8" ? "utf8" : "latin1").replace(/^\uFEFF/, "");
}

function describeBadLines(file: string, bad: BadRecord[], allowed: number): string {
  const shown = bad.slice(0, BAD_LINES_SHOWN).map((record) => `  line ${record.line}: ${record.problem}: ${truncate(record.text, 120)}`);
  const more = bad.length > BAD_LINES_SHOWN ? [`  ... and ${bad.length - BAD_LINES_SHOWN} more`] : [];
  const advice =
    allowed === 0
      ? `Fix these lines, or load with --max-bad-lines ${bad.length} to set them aside in ecommerce_raw.raw_sales_malformed and land the rest.`
      : `That is more than --max-bad-lines ${allowed}: fix the file, or raise the limit.`;
  return [`${file}: ${bad.length} malformed line(s); nothing was loaded from this file.`, ...shown, ...more, advice].join("\n");
}
