/**
 * What a compiled statement says once its comments are set aside, for the places that run compiled
 * SQL statement by statement (the DuckDB runner, the ZetaSQL execution of the BigQuery graph).
 */

/** A statement from its first keyword on: the comments before it removed (only those: a string may hold `--`). */
export function withoutLeadingComments(sql: string): string {
  return sql.replace(/^(\s*(--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/))*/, "");
}

/** A statement of nothing but blanks and comments, as `${when(incremental(), ...)}` leaves in the other context. */
export function isBlankSql(sql: string): boolean {
  return withoutLeadingComments(sql).trim() === "";
}
