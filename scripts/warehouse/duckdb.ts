import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { EcomError } from "../errors";
import { countFromEnv } from "../env-count";
import type { JsonValue, RelationSet, Row, SqlParam, Warehouse } from "./warehouse";

// Callers that open DuckDB read rows too; the type is the interface's.
export type { Row } from "./warehouse";

/** The warehouse file is in use by another process (DuckDB allows one writer per file). */
export class WarehouseLockedError extends EcomError {}

/** How much memory DuckDB may use and where it spills what does not fit. */
export interface EngineSettings {
  /** DuckDB's memory_limit, e.g. "6GiB". */
  memoryLimit: string;
  /** DuckDB's temp_directory: where operators that exceed the limit spill. */
  tempDirectory: string;
  threads?: number;
}

/** How many in-memory warehouses this process has opened, to give each its own spill folder. */
let inMemoryDatabases = 0;

/**
 * DuckDB's default memory limit here: a quarter of the machine's memory, at most 1.5 GiB. DuckDB's own
 * default, 80% of the machine, leaves nothing for anything else and lets one large build take the
 * machine. 1.5 GiB holds the real dataset (half a million lines) without spilling; above a few
 * million lines the window, the sorts and the hash tables of a full build spill to disk instead
 * (measured on 9.75 million lines: peak RSS about 2 GiB; 3.9 GiB unbounded). 50 million lines
 * complete at 1.5 GiB in 5 min 14 s (peak RSS 2.5 GiB); at 1 GiB fact_sales' uniqueKey assertion,
 * a GROUP BY over 50 million keys, sometimes does not fit on two threads (it does on one, which is
 * the runner's second try), so 1.5 GiB keeps a margin.
 */
export const DEFAULT_MEMORY_CAP_MIB = 1536;

/**
 * The storage format a new warehouse file is written in: DuckDB 1.3's, readable by DuckDB 1.3 and
 * later. DuckDB's own default is 0.10.2's, for old readers; 1.3's string compression writes a
 * table about 30% faster (measured copying stg_sales, fact_sales and raw_sales of the real dataset:
 * 0.60, 0.53, 0.44 s against 0.43, 0.38, 0.29 s) into a slightly smaller file, and writing the wide
 * tables is most of a build. A file keeps the format it was created in: a warehouse made by an
 * earlier version of ecom stays readable and as fast as it was until it is made anew.
 */
export const STORAGE_VERSION = "v1.3.0";

/**
 * The settings a warehouse opens with: the memory limit above, and a spill folder beside the
 * warehouse file (`<db>.tmp`, DuckDB's own choice), or a folder of its own in the system's temp
 * folder for an in-memory warehouse. ECOM_DUCKDB_MEMORY_LIMIT (any DuckDB size: "4GB", "512MiB"),
 * ECOM_DUCKDB_TEMP_DIR and ECOM_DUCKDB_THREADS override them.
 */
export function engineSettings(file: string, env: NodeJS.ProcessEnv = process.env, totalMemoryBytes = os.totalmem()): EngineSettings {
  const defaultMiB = Math.min(Math.floor(totalMemoryBytes / 4 / 2 ** 20), DEFAULT_MEMORY_CAP_MIB);
  const threads = countFromEnv(env, "ECOM_DUCKDB_THREADS", "threads");
  const memoryLimit = env.ECOM_DUCKDB_MEMORY_LIMIT?.trim() || `${defaultMiB}MiB`;
  if (!/^[0-9]+(\.[0-9]+)?\s*([KMGT]i?B|B)$/i.test(memoryLimit)) {
    throw new EcomError(`ECOM_DUCKDB_MEMORY_LIMIT=${JSON.stringify(memoryLimit)}: expected a size such as 4GB, 6GiB or 512MiB.`);
  }
  // DuckDB names its spill files the same in every database, so no two share a folder.
  const ownFolder = () => path.join(os.tmpdir(), `ecom-duckdb-spill-${process.pid}-${(inMemoryDatabases += 1)}`);
  const tempDirectory = env.ECOM_DUCKDB_TEMP_DIR?.trim() || (file === ":memory:" ? ownFolder() : `${path.resolve(file)}.tmp`);
  return { memoryLimit, tempDirectory, ...(threads !== undefined ? { threads } : {}) };
}

/**
 * The embedded warehouse, the Warehouse interface on DuckDB: one file, one connection. Values are
 * always bound as parameters; rows come back JSON-safe (BIGINT and DECIMAL as strings, so no
 * precision is lost).
 */
export class DuckDbWarehouse implements Warehouse {
  private constructor(
    readonly file: string,
    /** DuckDB names the database after the file; a schema of the same name makes `schema.table` ambiguous. */
    readonly catalog: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    /** A session (see session()) shares its opener's database and closes only its own connection. */
    private readonly ownsInstance = true
  ) {}

  /** Opens (creating when absent) the warehouse file; `:memory:` gives a throw-away warehouse. */
  static async open(file: string, settings: EngineSettings = engineSettings(file)): Promise<DuckDbWarehouse> {
    if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(file, {
        memory_limit: settings.memoryLimit,
        temp_directory: settings.tempDirectory,
        storage_compatibility_version: STORAGE_VERSION,
        ...(settings.threads !== undefined ? { threads: String(settings.threads) } : {}),
      });
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
  /** Compiled SQL (BigQuery-quoted targets) as DuckDB reads it. */
  fromCompiledSql(compiledSql: string): string {
    return toDuckDbSql(compiledSql, this.catalog);
  }

  table(schema: string, name: string): string {
    return qualifiedName(this.catalog, schema, name);
  }

  /** Runs statements whose result is not needed. */
  async run(sql: string, params?: SqlParam[]): Promise<void> {
    await this.profileNextStatement();
    await this.connection.run(sql, params);
  }

  /** Runs a query and returns all its rows. */
  async query(sql: string, params?: SqlParam[]): Promise<Row[]> {
    await this.profileNextStatement();
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJson();
  }

  /** Runs a query and returns its first `limit` rows, with the column names. */
  async queryFirst(sql: string, limit: number): Promise<{ columns: string[]; rows: Row[] }> {
    await this.profileNextStatement();
    const reader = await this.connection.runAndReadUntil(sql, limit);
    return { columns: reader.columnNames(), rows: reader.getRowObjectsJson().slice(0, limit) };
  }

  private profiling?: { prefix: string; files: string[] };

  /**
   * From now on, DuckDB writes the query profile (its JSON: operators, timings, cardinalities,
   * memory) of every statement, each to a file of its own, `<prefix>.<n>.json`, until stopProfiling.
   */
  async startProfiling(prefix: string): Promise<void> {
    fs.mkdirSync(path.dirname(prefix), { recursive: true });
    await this.connection.run("PRAGMA enable_profiling = 'json'");
    this.profiling = { prefix, files: [] };
  }

  /** Stops profiling; returns the profiles written since startProfiling, in statement order, and removes their files. */
  async stopProfiling(): Promise<unknown[]> {
    const profiling = this.profiling;
    this.profiling = undefined;
    await this.connection.run("PRAGMA disable_profiling");
    const profiles: unknown[] = [];
    for (const file of profiling?.files ?? []) {
      // A statement that failed before it ran writes no profile.
      if (!fs.existsSync(file)) continue;
      profiles.push(JSON.parse(fs.readFileSync(file, "utf8")));
      fs.rmSync(file, { force: true });
    }
    return profiles;
  }

  /** DuckDB has one profiling output per connection: each statement is pointed at a file of its own. */
  private async profileNextStatement(): Promise<void> {
    if (!this.profiling) return;
    const file = `${this.profiling.prefix}.${this.profiling.files.length}.json`;
    this.profiling.files.push(file);
    await this.connection.run(`PRAGMA profiling_output = ${quoteString(file)}`);
  }

  /** How far the statement running now has got, in percent, when DuckDB can tell. */
  progressPercent(): number | undefined {
    const percent = Number(this.connection.progress.percentage);
    return percent >= 0 ? percent : undefined;
  }

  /** DuckDB's `threads` setting: its cores, unless ECOM_DUCKDB_THREADS says otherwise. */
  async threads(): Promise<number> {
    return Number(await this.scalar("SELECT current_setting('threads')"));
  }

  /** `SET threads` is the database's setting, so this holds for every connection to it until put back. */
  async withThreads<T>(count: number, work: () => Promise<T>): Promise<T> {
    const before = await this.threads();
    await this.run(`SET threads = ${Math.trunc(count)}`);
    try {
      return await work();
    } finally {
      await this.run(`SET threads = ${before}`);
    }
  }

  /** The single value of a one-row, one-column query. */
  async scalar(sql: string, params?: SqlParam[]): Promise<JsonValue> {
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

  /** A table or view of that name: one look at the catalog costs the same whatever it asks. */
  async tableExists(schema: string, name: string): Promise<boolean> {
    return (await this.relations()).has(schema, name);
  }

  /**
   * @inheritdoc Read with DuckDB's own catalog functions (half the time information_schema takes);
   * each look takes a few milliseconds, whatever it asks.
   */
  async relations(): Promise<RelationSet> {
    const rows = await this.query(
      `SELECT schema_name, table_name AS name FROM duckdb_tables() WHERE database_name = $1
       UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = $1`,
      [this.catalog]
    );
    const names = new Set(rows.map((row) => JSON.stringify([row.schema_name, row.name])));
    return { has: (schema, name) => names.has(JSON.stringify([schema, name])) };
  }

  /**
   * Another connection to the same database, for an action run beside this connection's: it sees
   * what this one has committed, has its own transaction and variables, and shares the memory limit.
   * Its close() closes only the connection.
   */
  async session(): Promise<DuckDbWarehouse> {
    return new DuckDbWarehouse(this.file, this.catalog, this.instance, await this.instance.connect(), false);
  }

  close(): void {
    this.connection.closeSync();
    if (this.ownsInstance) this.instance.closeSync();
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

/** Removes a DuckDB database file and what DuckDB keeps beside it: its write-ahead log and its spill folder (`<db>.tmp`). */
export function removeDatabaseFiles(db: string): void {
  for (const file of [db, `${db}.wal`]) fs.rmSync(file, { force: true });
  fs.rmSync(`${db}.tmp`, { recursive: true, force: true });
}
