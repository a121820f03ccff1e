import { qualifiedName, quoteIdentifier } from "../warehouse/duckdb";

/**
 * The only rewriting the local runner does to compiled SQL: BigQuery-quoted targets
 * (`project.dataset.table`) become DuckDB names ("dataset"."table"). Everything else that differs
 * between the engines is written by includes/sql.js at compile time, so the runner stays dumb.
 * Hand-written SQL in this project uses no backticks, so every backtick-quoted name is a target.
 * `catalog` is the DuckDB database's name (see qualifiedName).
 */
export function toDuckDbSql(compiledSql: string, catalog: string): string {
  return compiledSql.replace(/`([^`]+)`/g, (_match, quoted: string) => {
    const parts = quoted.split(".");
    const name = parts[parts.length - 1] ?? quoted;
    const schema = parts[parts.length - 2];
    return schema === undefined ? quoteIdentifier(name) : qualifiedName(catalog, schema, name);
  });
}
