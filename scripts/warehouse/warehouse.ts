/**
 * What the tooling needs of a warehouse: the runner, the unit-test runner, the loaders, the summary,
 * the dashboard and the docs depend on this interface, never on an engine's class, so a third
 * warehouse is one adapter implementing it (beside scripts/warehouse/duckdb.ts) plus one dialect in
 * includes/sql.js. Only the places that open a warehouse (the commands, the pipeline, the bench)
 * name the concrete class.
 */

/** A value as a row carries it: JSON-safe, so wide integers and decimals come back as strings. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One row of a result, by column name. */
export type Row = Record<string, JsonValue>;

/** A value bound to a `?` placeholder: values are always bound, never spliced into SQL. */
export type SqlParam = null | boolean | number | bigint | string;

export interface Warehouse {
  /** Where the warehouse lives (a file, or `:memory:`), as messages name it to the user. */
  readonly file: string;
  /** The database the warehouse's schemas live in, which qualified names and the runner's target rewriting use. */
  readonly catalog: string;

  /**
   * The compiled graph's SQL as this engine runs it. Dataform writes targets BigQuery's way
   * (`` `project.dataset.table` ``); everything else that differs is written by the dialect in
   * includes/sql.js at compile time, so this is the whole of an adapter's rewriting.
   */
  fromCompiledSql(compiledSql: string): string;
  /** A table's name as SQL, quoted and qualified as this engine needs. */
  table(schema: string, name: string): string;
  /** Runs statements whose result is not needed. */
  run(sql: string, params?: SqlParam[]): Promise<void>;
  /** Runs a query and returns all its rows. */
  query(sql: string, params?: SqlParam[]): Promise<Row[]>;
  /** Runs a query and returns its first `limit` rows with the column names, without reading the rest. */
  queryFirst(sql: string, limit: number): Promise<{ columns: string[]; rows: Row[] }>;
  /** The single value of a one-row, one-column query (null when it returns no row). */
  scalar(sql: string, params?: SqlParam[]): Promise<JsonValue>;
  /** Runs `work` in one transaction: all of it lands, or none of it does. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  tableExists(schema: string, name: string): Promise<boolean>;
  /** The tables and views the warehouse holds now, in one look at its catalog: for checking many names. */
  relations(): Promise<RelationSet>;
  close(): void;

  /** How far the statement running now has got, in percent, when the engine can tell (load progress). */
  progressPercent?(): number | undefined;
  /**
   * Another connection to the same warehouse, for running an independent action at the same time
   * (the runner's second worker); engines that cannot leave it out and run one action at a time.
   */
  session?(): Promise<Warehouse>;
  /** How many threads the engine's queries use; engines that cannot tell leave it out. */
  threads?(): Promise<number>;
  /**
   * Runs `work` with the engine's queries on `count` threads, then puts the count back. The setting
   * is the engine's, not the connection's: use it only while nothing else runs.
   */
  withThreads?<T>(count: number, work: () => Promise<T>): Promise<T>;
  /** Starts writing the engine's query profile of every statement (`ecom bench --profile`); engines without one leave it out. */
  startProfiling?(prefix: string): Promise<void>;
  /** Stops profiling and returns the profiles since startProfiling, in statement order. */
  stopProfiling?(): Promise<unknown[]>;
}

/** Names of tables and views, as read from a warehouse's catalog at one moment. */
export interface RelationSet {
  has(schema: string, name: string): boolean;
}
