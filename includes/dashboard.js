// @ts-check
/**
 * What the dashboard read models (definitions/dashboard/) share: how many countries get a series
 * of their own, and the score list the R x F grid is laid out on.
 */

const sql = require("./sql");

/** Countries with a series of their own in the monthly revenue chart; the rest are summed as OTHER_COUNTRIES. */
const TOP_COUNTRIES = 5;

/** The name of the series holding every country outside the top TOP_COUNTRIES. */
const OTHER_COUNTRIES = "Other";

/**
 * A query listing the quintile scores 1 to 5 in an INT64 column: a bare integer literal is INT64 on
 * BigQuery but INTEGER (32 bits) on DuckDB, so each is cast.
 * @param {string} alias the column's name
 * @param {{ types: { int64: string } }} [dialectSql] defaults to the compile's dialect
 */
function scoreListQuery(alias, dialectSql = sql) {
  return [1, 2, 3, 4, 5].map((score) => `SELECT CAST(${score} AS ${dialectSql.types.int64}) AS ${alias}`).join("\n  UNION ALL ");
}

module.exports = { TOP_COUNTRIES, OTHER_COUNTRIES, scoreListQuery };
