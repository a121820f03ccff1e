import retail = require("../../includes/retail");
import landing = require("../../includes/landing");

/**
 * Every SQL statement `ecom load --warehouse bigquery` sends BigQuery, in one place, so that the
 * loader runs it and `ecom check --warehouse bigquery` analyzes exactly the same text.
 */

/** Fully qualified names of the tables the load writes. */
export interface RawTables {
  dataset: string;
  rawSales: string;
  loadLedger: string;
  /** A landing or per-load table's quoted name. */
  perLoad: (tableId: string) => string;
}

/** A statement with the BigQuery types of its named parameters. */
export interface LoaderStatement {
  sql: string;
  parameterTypes: Record<string, "STRING" | "INT64">;
}

const SOURCE_COLUMNS: readonly string[] = retail.SOURCE_COLUMN_NAMES;

export function rawTables(projectId: string, dataset: string): RawTables {
  const name = (table: string): string => `\`${projectId}.${dataset}.${table}\``;
  return { dataset, rawSales: name("raw_sales"), loadLedger: name("load_ledger"), perLoad: name };
}

/** Creates the landing tables of the data contract when absent (DDL shared with the ingestion operation). */
export function landingTablesStatement(tables: RawTables): LoaderStatement {
  return { sql: landing.landingTablesDdl(tables.perLoad), parameterTypes: {} };
}

/** The ledger's latest entry for a URI: whether this generation is landed already. */
export function latestLedgerStatement(tables: RawTables): LoaderStatement {
  return {
    sql: `SELECT load_id, checksum, rows_loaded FROM ${tables.loadLedger} WHERE source_file = @uri ORDER BY loaded_at DESC LIMIT 1`,
    parameterTypes: { uri: "STRING" },
  };
}

/**
 * Replaces the object's rows in raw_sales with the per-load table's and records the load in the
 * ledger, in one transaction: if any statement fails, raw_sales and the ledger stay as they were.
 */
export function landRowsStatement(tables: RawTables, perLoadId: string): LoaderStatement {
  const perLoad = tables.perLoad(perLoadId);
  const columns = SOURCE_COLUMNS.join(", ");
  // One timestamp for the rows and their ledger entry, taken before the transaction starts.
  const sql = `DECLARE load_time TIMESTAMP DEFAULT CURRENT_TIMESTAMP();
BEGIN TRANSACTION;
DELETE FROM ${tables.rawSales} WHERE _source_file = @uri;
INSERT INTO ${tables.rawSales} (${columns}, _source_file, _source_row, _load_id, _loaded_at)
SELECT ${columns}, @uri, CAST(NULL AS INT64), @load_id, load_time FROM ${perLoad};
INSERT INTO ${tables.loadLedger} (load_id, source_file, source_path, file_size, checksum, rows_loaded, loaded_at)
SELECT @load_id, @uri, @uri, @size, @generation, COUNT(*), load_time FROM ${perLoad};
COMMIT TRANSACTION;`;
  return { sql, parameterTypes: { uri: "STRING", load_id: "STRING", size: "INT64", generation: "STRING" } };
}
