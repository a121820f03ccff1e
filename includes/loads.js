// @ts-check
/**
 * How incremental tables follow the loader's file versions. Every landed row carries `_load_id`
 * (one per file version) and `_loaded_at`. An incremental run takes the rows of loads newer than the
 * newest it already holds, after deleting the rows of loads that a newer version of their file has
 * replaced (their load id is gone from the table it reads). Together these keep an incremental
 * table equal to a full rebuild, load after load.
 */

const sql = require("./sql");

/** The watermark when a table holds no rows yet: every load is newer. */
const EPOCH = "TIMESTAMP '1970-01-01 00:00:00'";

/** The variable holding an incremental table's watermark during its run. */
const WATERMARK = "newest_loaded_at";

/**
 * Pre-operation (the first one: see sql.declareVariable) setting the watermark: the newest
 * `_loaded_at` already in `selfTable`. Set once, before the statement, it is a constant there, so
 * the engine reads only the newer rows (DuckDB skips the older row groups of raw_sales instead of
 * typing every landed line again; BigQuery prunes), where a subquery in the filter reads them all.
 * @param {string} selfTable the incremental table (Dataform's `self()`)
 * @param {{ declareVariable: (name: string, typeName: string, query: string) => string, types: { timestamp: string } }} [dialectSql] defaults to the compile's dialect
 */
function declareWatermark(selfTable, dialectSql = sql) {
  return dialectSql.declareVariable(WATERMARK, dialectSql.types.timestamp, `SELECT COALESCE(MAX(_loaded_at), ${EPOCH}) FROM ${selfTable}`);
}

/**
 * Condition selecting the rows of loads newer than the watermark set by `declareWatermark`.
 * @param {string} loadedAtColumn the `_loaded_at` column of the rows being read
 * @param {{ variable: (name: string) => string }} [dialectSql] defaults to the compile's dialect
 */
function newerLoads(loadedAtColumn, dialectSql = sql) {
  return `${loadedAtColumn} > ${dialectSql.variable(WATERMARK)}`;
}

/**
 * Statement deleting from `selfTable` the rows whose load is no longer in `sourceTable`, because a
 * newer version of their file replaced it.
 * @param {string} selfTable the incremental table (Dataform's `self()`)
 * @param {string} sourceTable the table it is built from (a `ref()`)
 */
function deleteReplacedLoads(selfTable, sourceTable) {
  return `DELETE FROM ${selfTable} WHERE _load_id NOT IN (SELECT DISTINCT _load_id FROM ${sourceTable})`;
}

module.exports = { declareWatermark, newerLoads, deleteReplacedLoads };
