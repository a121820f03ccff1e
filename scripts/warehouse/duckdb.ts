import * as fs from "node:fs";
import * as path from "node:path";
import { DuckDBConnection, DuckDBInstance, type DuckDBValue, type Json } from "@duckdb/node-api";
import { EcomError } from "../errors";

export type Row = Record<string, Json>;

/** The warehouse file is in use by another process (DuckDB allows one writer per file). */
export class WarehouseLockedError extends EcomError {}

/**
 * The embedded warehouse: one DuckDB file, one connection. Values are always bound as parameters;
 * rows come back JSON-safe (BIGINT and DECIMAL as strings, so no precision is lost).
 */
export class DuckDbWarehouse {
  private constructor(
    readonly file: string,
    /** DuckDB names the database after the file; a schema of the same name makes `schema.table` ambiguous. */
    readonly catalog: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection
  ) {}

  /** Opens (creating when absent) the warehouse file; `:memory:` gives a throw-away warehouse. */
  static async open(file: string): Promise<DuckDbWarehouse> {
    if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(file);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/lock/i.test(message)) {
        throw new WarehouseLockedError(
          `The warehouse ${file} is in use by another process (DuckDB allows one writer at a time). ` +
            "Wait for the other run to finish, or pass another --db.",
          { cause: error }
        );
      }
      throw new EcomError(`Could not open the warehouse ${file}: ${message}`, { cause: error });
    }
    const connection = await instance.connect();
    const catalog = (await connection.runAndReadAll("SELECT current_database() AS catalog")).getRowObjectsJson()[0]?.catalog;
    return new DuckDbWarehouse(file, String(catalog), instance, connection);
  }

  /** A table's name as SQL; see qualifiedName. */
  table(schema: string, name: string): string {
    return qualifiedName(this.catalog, schema, name);
  }

  /** Runs statements whose result is not needed. */
  async run(sql: string, params?: DuckDBValue[]): Promise<void> {
    await this.connection.run(sql, params);
  }

  /** Runs a query and returns all its rows. */
  async query(sql: string, params?: DuckDBValue[]): Promise<Row[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJson();
  }

  /** Runs a query and returns its first `limit` rows, with the column names. */
  async queryFirst(sql: string, limit: number): Promise<{ columns: string[]; rows: Row[] }> {
    const reader = await this.connection.runAndReadUntil(sql, limit);
    return { columns: reader.columnNames(), rows: reader.getRowObjectsJson().slice(0, limit) };
  }

  /** How far the statement running now has got, in percent, when DuckDB can tell. */
  progressPercent(): number | undefined {
    const percent = Number(this.connection.progress.percentage);
    return percent >= 0 ? percent : undefined;
  }

  /** The single value of a one-row, one-column query. */
  async scalar(sql: string, params?: DuckDBValue[]): Promise<Json> {
    const rows = await this.query(sql, params);
    const first = rows[0];
    return first === undefined ? null : (Object.values(first)[0] ?? null);
  }

  /** Runs `work` in one transaction: all of it lands, or none of it does. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.run("BEGIN TRANSACTION");
    try {
      const result = await work();
      await this.run("COMMIT");
      return result;
    } catch (error) {
      await this.run("ROLLBACK").catch(() => undefined);
      throw error;
    }
  }

  async tableExists(schema: string, name: string): Promise<boolean> {
    const count = await this.scalar(
      "SELECT COUNT(*) FROM information_schema.tables WHERE table_catalog = ? AND table_schema = ? AND table_name = ?",
      [this.catalog, schema, name]
    );
    return Number(count) > 0;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/**
 * `"schema"."name"`, or `"catalog"."schema"."name"` when the schema has the database's name: DuckDB
 * names the database after its file, so a file fixture.duckdb holding a schema fixture makes
 * `fixture.table` ambiguous. Only then is the name qualified, so views keep working if the file is
 * renamed.
 */
export function qualifiedName(catalog: string, schema: string, name: string): string {
  return (schema === catalog ? [catalog, schema, name] : [schema, name]).map(quoteIdentifier).join(".");
}

/** A double-quoted DuckDB identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A single-quoted DuckDB string literal, for the few places (table-function arguments) that take no parameters. */
export function quoteString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
