import { randomUUID } from "node:crypto";
import * as path from "node:path";
import { LoadError } from "../errors";
import { DuckDbWarehouse, quoteIdentifier, quoteString } from "../warehouse/duckdb";
import { describeCsvError } from "./csv-errors";
import { mapHeader } from "./csv-header";
import { probeFile, type SourceEncoding } from "./file-probe";
import retail = require("../../includes/retail");
import { secondsSince, startTimer } from "../timing";

export const RAW_SCHEMA = "ecommerce_raw";

export interface FileLoadResult {
  file: string;
  sourceFile: string;
  status: "loaded" | "replaced" | "unchanged";
  /** When a version of a file with this name was loaded before from another path. */
  previousPath?: string;
  rows: number;
  loadId: string;
  encoding: SourceEncoding;
  seconds: number;
}

const SOURCE_COLUMNS: readonly string[] = retail.SOURCE_COLUMNS.map((column) => column.column);

/** Creates the landing tables when absent. Both match the data contract's `ecommerce_raw`. */
export async function ensureRawTables(warehouse: DuckDbWarehouse): Promise<void> {
  const sourceColumns = SOURCE_COLUMNS.map((column) => `${column} VARCHAR`).join(", ");
  await warehouse.run(`
    CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(warehouse.catalog)}.${RAW_SCHEMA};
    CREATE TABLE IF NOT EXISTS ${warehouse.table(RAW_SCHEMA, "raw_sales")} (
      ${sourceColumns},
      _source_file VARCHAR NOT NULL,
      _source_row BIGINT,
      _load_id VARCHAR NOT NULL,
      _loaded_at TIMESTAMP NOT NULL
    );
    CREATE TABLE IF NOT EXISTS ${warehouse.table(RAW_SCHEMA, "load_ledger")} (
      load_id VARCHAR NOT NULL,
      source_file VARCHAR NOT NULL,
      source_path VARCHAR NOT NULL,
      file_size BIGINT NOT NULL,
      checksum VARCHAR NOT NULL,
      rows_loaded BIGINT NOT NULL,
      loaded_at TIMESTAMP NOT NULL
    );`);
}

/**
 * Lands local files one after another. A file is identified by its name (as daily exports are), so
 * two files of one name in one load would replace each other: that is refused before anything lands.
 */
export async function loadLocalFiles(
  warehouse: DuckDbWarehouse,
  files: string[],
  onLoaded: (result: FileLoadResult) => void = () => undefined
): Promise<FileLoadResult[]> {
  const byName = new Map<string, string[]>();
  for (const file of files) byName.set(path.basename(file), [...(byName.get(path.basename(file)) ?? []), file]);
  for (const [name, same] of byName) {
    if (same.length > 1) {
      throw new LoadError(
        `${same.length} files are named ${name} (${same.join(", ")}). A file is identified by its name, so each would ` +
          "replace the one loaded before it. Rename them (e.g. sales-2010.csv, sales-2011.csv) and load again; nothing was loaded."
      );
    }
  }
  const results: FileLoadResult[] = [];
  for (const file of files) {
    const result = await loadLocalFile(warehouse, file);
    onLoaded(result);
    results.push(result);
  }
  // Writing the landed rows through now is cheap; left to the end of a pipeline run, the same
  // checkpoint costs about a second per million lines more (measured with `ecom bench`).
  if (results.some((result) => result.status !== "unchanged")) await warehouse.run("CHECKPOINT");
  return results;
}

/**
 * Lands one local `.csv` or `.csv.gz` file into ecommerce_raw.raw_sales, every field as text exactly
 * as written, with its line number. The file version (SHA-256) goes into the ledger: the same version
 * again changes nothing, a changed version replaces the file's rows. Either every row of the file
 * lands together with its ledger row, or nothing does.
 */
export async function loadLocalFile(warehouse: DuckDbWarehouse, file: string): Promise<FileLoadResult> {
  const started = startTimer();
  const probe = await probeFile(file);
  const columnsInFileOrder = mapHeader(probe.headerLine, file);
  const sourceFile = path.basename(file);
  await ensureRawTables(warehouse);

  const sourcePath = path.resolve(file);
  const versions = await warehouse.query(
    `SELECT load_id, checksum, rows_loaded, source_path FROM ${warehouse.table(RAW_SCHEMA, "load_ledger")} WHERE source_file = ? ORDER BY loaded_at DESC LIMIT 1`,
    [sourceFile]
  );
  const latest = versions[0];
  if (latest && latest.checksum === probe.checksum) {
    return {
      file,
      sourceFile,
      status: "unchanged",
      rows: Number(latest.rows_loaded),
      loadId: String(latest.load_id),
      encoding: probe.encoding,
      seconds: secondsSince(started),
    };
  }

  const loadId = randomUUID();
  const loadedAt = new Date().toISOString().replace("T", " ").replace("Z", "");
  const columns = `{${columnsInFileOrder.map((column) => `${quoteString(column)}: 'VARCHAR'`).join(", ")}}`;
  // The landing table keeps the file's order (DuckDB preserves insertion order), so rowid + 1 is
  // the data line number; scanning it back keeps that order too, so no ORDER BY (a sort) is needed.
  const readCsv = `read_csv(${quoteString(sourcePath)},
      header = true, delim = ',', quote = '"', escape = '"', columns = ${columns},
      encoding = ${quoteString(probe.encoding)}, compression = ${probe.gzip ? "'gzip'" : "'none'"},
      auto_detect = false, strict_mode = true, null_padding = false)`;
  const landing = quoteIdentifier(`landing_${loadId.replace(/-/g, "")}`);
  try {
    await warehouse.run(`CREATE TEMP TABLE ${landing} AS SELECT * FROM ${readCsv}`);
  } catch (error) {
    throw new LoadError(describeCsvError(file, error instanceof Error ? error.message : String(error)), { cause: error });
  }
  try {
    const rows = Number(await warehouse.scalar(`SELECT COUNT(*) FROM ${landing}`));
    await warehouse.transaction(async () => {
      await warehouse.run(`DELETE FROM ${warehouse.table(RAW_SCHEMA, "raw_sales")} WHERE _source_file = ?`, [sourceFile]);
      await warehouse.run(
        `INSERT INTO ${warehouse.table(RAW_SCHEMA, "raw_sales")} (${SOURCE_COLUMNS.join(", ")}, _source_file, _source_row, _load_id, _loaded_at)
         SELECT ${SOURCE_COLUMNS.join(", ")}, ?, rowid + 1, ?, CAST(? AS TIMESTAMP) FROM ${landing}`,
        [sourceFile, loadId, loadedAt]
      );
      await warehouse.run(
        `INSERT INTO ${warehouse.table(RAW_SCHEMA, "load_ledger")} VALUES (?, ?, ?, ?, ?, ?, CAST(? AS TIMESTAMP))`,
        [loadId, sourceFile, sourcePath, probe.size, probe.checksum, rows, loadedAt]
      );
    });
    return {
      file,
      sourceFile,
      status: latest ? "replaced" : "loaded",
      ...(latest && latest.source_path !== sourcePath ? { previousPath: String(latest.source_path) } : {}),
      rows,
      loadId,
      encoding: probe.encoding,
      seconds: secondsSince(started),
    };
  } finally {
    await warehouse.run(`DROP TABLE IF EXISTS ${landing}`);
  }
}
