/**
 * The only rewriting the local runner does to compiled SQL: BigQuery-quoted targets
 * (`project.dataset.table`) become DuckDB names ("dataset"."table"). Everything else that differs
 * between the engines is written by includes/sql.js at compile time, so the runner stays dumb.
 * Hand-written SQL in this project uses no backticks, so every backtick-quoted name is a target.
 */
export function toDuckDbSql(compiledSql: string): string {
  return compiledSql.replace(/`([^`]+)`/g, (_match, quoted: string) => {
    const parts = quoted.split(".");
    return parts
      .slice(-2)
      .map((part) => `"${part.replace(/"/g, '""')}"`)
      .join(".");
  });
}
