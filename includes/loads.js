// @ts-check
/**
 * How incremental tables follow the loader's file versions. Every landed row carries `_load_id`
 * (one per file version) and `_loaded_at`. An incremental run takes the rows of loads newer than the
 * newest it already holds, after deleting the rows of loads that a newer version of their file has
 * replaced (their load id is gone from the table it reads). Together these keep an incremental
 * table equal to a full rebuild, load after load.
 */

/** The watermark when a table holds no rows yet: every load is newer. */
const EPOCH = "TIMESTAMP '1970-01-01 00:00:00'";

/**
 * Condition selecting the rows of loads newer than the newest already in `selfTable`.
 * @param {string} loadedAtColumn the `_loaded_at` column of the rows being read
 * @param {string} selfTable the incremental table (Dataform's `self()`)
 */
function newerLoads(loadedAtColumn, selfTable) {
  return `${loadedAtColumn} > (SELECT COALESCE(MAX(_loaded_at), ${EPOCH}) FROM ${selfTable})`;
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

module.exports = { newerLoads, deleteReplacedLoads };
