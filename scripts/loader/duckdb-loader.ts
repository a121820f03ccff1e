import { randomUUID } from "node:crypto";
import * as path from "node:path";
import { LoadError } from "../errors";
import { DuckDbWarehouse, quoteIdentifier, quoteString } from "../warehouse/duckdb";
import { mapHeader } from "./csv-header";
import { probeFile, type SourceEncoding } from "./file-probe";
import retail = require("../../includes/retail");

export const RAW_SCHEMA = "ecommerce_raw";

export interface FileLoadResult {
  file: string;
  sourceFile: string;
  status: "loaded" | "replaced" | "unchanged";
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
    CREATE SCHEMA IF NOT EXISTS ${RAW_SCHEMA};
    CREATE TABLE IF NOT EXISTS ${RAW_SCHEMA}.raw_sales (
      ${sourceColumns},
      _source_file VARCHAR NOT NULL,
      _source_row BIGINT,
      _load_id VARCHAR NOT NULL,
      _loaded_at TIMESTAMP NOT NULL
    );
    CREATE TABLE IF NOT EXISTS ${RAW_SCHEMA}.load_ledger (
      load_id VARCHAR NOT NULL,
      source_file VARCHAR NOT NULL,
      file_size BIGINT NOT NULL,
      checksum VARCHAR NOT NULL,
      rows_loaded BIGINT NOT NULL,
      loaded_at TIMESTAMP NOT NULL
    );`);
}

/**
 * Lands one local `.csv` or `.csv.gz` file into ecommerce_raw.raw_sales, every field as text exactly
 * as written, with its line number. The file version (SHA-256) goes into the ledger: the same version
 * again changes nothing, a changed version replaces the file's rows. Either every row of the file
 * lands together with its ledger row, or nothing does.
 */
export async function loadLocalFile(warehouse: DuckDbWarehouse, file: string): Promise<FileLoadResult> {
  const started = process.hrtime.bigint();
  const probe = await probeFile(file);
  const columnsInFileOrder = mapHeader(probe.headerLine, file);
  const sourceFile = path.basename(file);
  await ensureRawTables(warehouse);

  const versions = await warehouse.query(
    `SELECT load_id, checksum, rows_loaded FROM ${RAW_SCHEMA}.load_ledger WHERE source_file = ? ORDER BY loaded_at DESC LIMIT 1`,
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
  const readCsv = `read_csv(${quoteString(path.resolve(file))},
      header = true, delim = ',', quote = '"', escape = '"', columns = ${columns},
      encoding = ${quoteString(probe.encoding)}, compression = ${probe.gzip ? "'gzip'" : "'none'"},
      auto_detect = false, strict_mode = true, null_padding = false)`;
  const landing = quoteIdentifier(`landing_${loadId.replace(/-/g, "")}`);
  try {
    await warehouse.run(`CREATE TEMP TABLE ${landing} AS SELECT * FROM ${readCsv}`);
  } catch (error) {
    throw new LoadError(`${file}: not a valid Online Retail CSV; nothing was loaded.\n${(error as Error).message}`, { cause: error });
  }
  try {
    const rows = Number(await warehouse.scalar(`SELECT COUNT(*) FROM ${landing}`));
    await warehouse.transaction(async () => {
      await warehouse.run(`DELETE FROM ${RAW_SCHEMA}.raw_sales WHERE _source_file = ?`, [sourceFile]);
      await warehouse.run(
        `INSERT INTO ${RAW_SCHEMA}.raw_sales (${SOURCE_COLUMNS.join(", ")}, _source_file, _source_row, _load_id, _loaded_at)
         SELECT ${SOURCE_COLUMNS.join(", ")}, ?, rowid + 1, ?, CAST(? AS TIMESTAMP) FROM ${landing}`,
        [sourceFile, loadId, loadedAt]
      );
      await warehouse.run(
        `INSERT INTO ${RAW_SCHEMA}.load_ledger VALUES (?, ?, ?, ?, ?, CAST(? AS TIMESTAMP))`,
        [loadId, sourceFile, probe.size, probe.checksum, rows, loadedAt]
      );
    });
    return {
      file,
      sourceFile,
      status: latest ? "replaced" : "loaded",
      rows,
      loadId,
      encoding: probe.encoding,
      seconds: secondsSince(started),
    };
  } finally {
    await warehouse.run(`DROP TABLE IF EXISTS ${landing}`);
  }
}

function secondsSince(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}
