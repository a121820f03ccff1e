import { DuckDBInstance, type DuckDBConnection, type Json } from "@duckdb/node-api";

/**
 * A tiny in-memory DuckDB for unit tests of SQL fragments. Values come back JSON-safe:
 * BIGINT/DECIMAL as strings, DATE as 'YYYY-MM-DD', TIMESTAMP as 'YYYY-MM-DD HH:MM:SS', BOOLEAN as booleans.
 * Open it in a `before` hook and close it in an `after` hook.
 */
export class DuckDbEval {
  private instance: DuckDBInstance | undefined;
  private connection: DuckDBConnection | undefined;

  async open(): Promise<void> {
    this.instance = await DuckDBInstance.create(":memory:");
    this.connection = await this.instance.connect();
  }

  close(): void {
    this.connection?.closeSync();
    this.instance?.closeSync();
    this.connection = undefined;
    this.instance = undefined;
  }

  /** Runs a whole query and returns its rows. */
  async rows(sql: string): Promise<Record<string, Json>[]> {
    if (!this.connection) throw new Error("DuckDbEval is not open");
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJson();
  }

  /** Column types of a query's result, by column name (e.g. `DATE`, `DECIMAL(38,9)`). */
  async columnTypes(sql: string): Promise<Record<string, string>> {
    if (!this.connection) throw new Error("DuckDbEval is not open");
    const reader = await this.connection.runAndReadAll(sql);
    const types: Record<string, string> = {};
    reader.columnNames().forEach((name, index) => {
      types[name] = reader.columnType(index).toString();
    });
    return types;
  }

  /** Evaluates one SQL expression (optionally over `FROM ...`) and returns its value. */
  async value(expression: string, from = ""): Promise<Json> {
    const rows = await this.rows(`SELECT ${expression} AS v ${from}`);
    if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}`);
    return rows[0]!["v"] as Json;
  }
}
