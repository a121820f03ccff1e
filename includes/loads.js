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

/** The variable holding the first date an incremental run of a date-keyed table rebuilds. */
const REBUILD_FROM = "rebuild_from_date";

/** A date before every invoice: rebuild everything. */
const EARLIEST_DATE = "DATE '0001-01-01'";

/**
 * Pre-operation (after `declareWatermark`) setting the first date an incremental run of a summary
 * keyed by date rebuilds. A summary is not made of lines but counts them, so a new load changes the
 * rows of the dates it has lines on, and these are rebuilt from all of their lines: the dates from
 * the earliest of the new lines on (a new month is the month; NULL when no line is new: nothing to
 * rebuild). When a line the summary counted is gone (a newer version of its file replaced it),
 * its count of lines no longer adds up to the source's lines up to the watermark, and every date is
 * rebuilt. Additions always come in newer loads, so equal counts mean nothing counted is gone.
 * @param {{ selfLines: string, source: string, counted: string, dateColumn: string }} summary
 *   selfLines: a query of the lines the summary counted (e.g. the SUM of its `lines` column);
 *   source: the table of lines (a `ref()`); counted: the condition on a source line for being
 *   counted; dateColumn: the source's date column the summary is keyed by
 * @param {{ declareVariable: (name: string, typeName: string, query: string) => string, variable: (name: string) => string, types: { date: string } }} [dialectSql] defaults to the compile's dialect
 */
function declareRebuildFrom({ selfLines, source, counted, dateColumn }, dialectSql = sql) {
  const watermark = dialectSql.variable(WATERMARK);
  return dialectSql.declareVariable(
    REBUILD_FROM,
    dialectSql.types.date,
    `SELECT CASE
    WHEN (${selfLines}) = (SELECT COUNT(*) FROM ${source} WHERE (${counted}) AND _loaded_at <= ${watermark})
      THEN (SELECT MIN(${dateColumn}) FROM ${source} WHERE (${counted}) AND _loaded_at > ${watermark})
    ELSE ${EARLIEST_DATE}
  END`
  );
}

/**
 * The first date an incremental run rebuilds, as set by `declareRebuildFrom`: compare a date with
 * it (`invoice_date >= ...`, or month starts on both sides). A constant there, so BigQuery prunes
 * partitions and DuckDB skips row groups with it.
 * @param {{ variable: (name: string) => string }} [dialectSql] defaults to the compile's dialect
 */
function rebuildFrom(dialectSql = sql) {
  return dialectSql.variable(REBUILD_FROM);
}

module.exports = { declareWatermark, newerLoads, deleteReplacedLoads, declareRebuildFrom, rebuildFrom };
