// @ts-check
/**
 * RFM scoring: the quintile SQL and the segment map, kept as data so it can be checked and replaced.
 *
 * Scores follow the data contract: NTILE(5) with a customer_id tie-break, so that every engine
 * splits ties the same way; 5 is best (most recent, most frequent, highest spend).
 */

const sql = require("./sql");

/**
 * Segment of each (R, F) cell. Rows are R scores 5 down to 1, columns F scores 1 to 5.
 * @type {ReadonlyArray<{ r: number, byFrequency: readonly string[] }>}
 */
const SEGMENT_MAP = Object.freeze([
  { r: 5, byFrequency: ["New Customers", "Potential Loyalists", "Potential Loyalists", "Champions", "Champions"] },
  { r: 4, byFrequency: ["Promising", "Potential Loyalists", "Potential Loyalists", "Loyal Customers", "Loyal Customers"] },
  { r: 3, byFrequency: ["About To Sleep", "About To Sleep", "Need Attention", "Loyal Customers", "Loyal Customers"] },
  { r: 2, byFrequency: ["Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"] },
  { r: 1, byFrequency: ["Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"] },
]);

/** @typedef {ReadonlyArray<{ r: number, byFrequency: readonly string[] }>} SegmentMap */

/**
 * Problems that make a segment map unusable: each of the 25 (R, F) cells must be named exactly
 * once, with a non-empty segment name. Returns an empty list for a good map.
 * @param {SegmentMap} map
 * @returns {string[]}
 */
function segmentMapProblems(map) {
  /** @type {string[]} */
  const problems = [];
  const seenR = new Set();
  for (const row of map) {
    if (!Number.isInteger(row.r) || row.r < 1 || row.r > 5) problems.push(`R score ${row.r} is not 1..5`);
    else if (seenR.has(row.r)) problems.push(`R score ${row.r} appears more than once`);
    seenR.add(row.r);
    if (row.byFrequency.length !== 5) problems.push(`R score ${row.r} names ${row.byFrequency.length} F cells, not 5`);
    row.byFrequency.forEach((segment, index) => {
      if (typeof segment !== "string" || segment.trim() === "") problems.push(`cell R${row.r} F${index + 1} has no segment`);
    });
  }
  for (let r = 1; r <= 5; r += 1) if (!seenR.has(r)) problems.push(`R score ${r} is missing`);
  return problems;
}

/**
 * The segments of a map, in the order they first appear reading the map from the best cell.
 * @param {SegmentMap} [map]
 */
function segmentNames(map = SEGMENT_MAP) {
  const ordered = [...map].sort((a, b) => b.r - a.r).flatMap((row) => [...row.byFrequency].reverse());
  return [...new Set(ordered)];
}

/**
 * CASE expression naming the segment of an (R, F) score pair.
 * @param {string} rScore
 * @param {string} fScore
 * @param {SegmentMap} [map]
 * @param {{ stringLiteral: (text: string) => string }} [dialectSql] defaults to the compile's dialect
 */
function segmentCase(rScore, fScore, map = SEGMENT_MAP, dialectSql = sql) {
  const problems = segmentMapProblems(map);
  if (problems.length > 0) throw new Error(`RFM segment map is invalid: ${problems.join("; ")}`);
  const whens = map.flatMap((row) =>
    row.byFrequency.map((segment, index) => `    WHEN ${rScore} = ${row.r} AND ${fScore} = ${index + 1} THEN ${dialectSql.stringLiteral(segment)}`)
  );
  return ["CASE", ...whens, "  END"].join("\n");
}

/**
 * The three quintile scores of the data contract, as SELECT-list items.
 * @param {{ recency: string, frequency: string, monetary: string, customerId: string }} columns
 */
function scoreColumns(columns) {
  const { recency, frequency, monetary, customerId } = columns;
  return [
    `NTILE(5) OVER (ORDER BY ${recency} DESC, ${customerId}) AS r_score`,
    `NTILE(5) OVER (ORDER BY ${frequency}, ${customerId}) AS f_score`,
    `NTILE(5) OVER (ORDER BY ${monetary}, ${customerId}) AS m_score`,
  ].join(",\n  ");
}

/**
 * A query listing every segment with its display order (1 = best), so reports show empty segments too.
 * The order is cast to INT64: a bare integer literal is INT64 on BigQuery but INTEGER (32 bits) on DuckDB.
 * @param {SegmentMap} [map]
 * @param {{ stringLiteral: (text: string) => string, types: { int64: string } }} [dialectSql] defaults to the compile's dialect
 */
function segmentListQuery(map = SEGMENT_MAP, dialectSql = sql) {
  return segmentNames(map)
    .map((segment, index) => `SELECT ${dialectSql.stringLiteral(segment)} AS segment, CAST(${index + 1} AS ${dialectSql.types.int64}) AS segment_order`)
    .join("\n  UNION ALL ");
}

module.exports = { SEGMENT_MAP, segmentMapProblems, segmentNames, segmentCase, scoreColumns, segmentListQuery };
