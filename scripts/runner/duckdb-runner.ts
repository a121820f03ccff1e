import * as fs from "node:fs";
import * as path from "node:path";
import { EcomError } from "../errors";
import { countFromEnv } from "../env-count";
import { isBlankSql } from "../sql-text";
import type { CompiledAssertion, CompiledGraph, CompiledOperation, CompiledTable } from "../dataform/compiled-graph";
import { quoteIdentifier } from "../warehouse/duckdb";
import type { RelationSet, Row, Warehouse } from "../warehouse/warehouse";
import { planActions, type PlannedAction } from "./action-graph";
import { secondsSince, startTimer } from "../timing";

export type ActionStatus = "succeeded" | "failed" | "skipped";

export interface ActionResult {
  name: string;
  kind: "table" | "view" | "incremental" | "assertion" | "operations";
  status: ActionStatus;
  seconds: number;
  /** Rows in the table after the action (tables), or rows the assertion returned. */
  rows?: number;
  /** For incremental tables: whether this run rebuilt the table or merged into it. */
  mode?: "full" | "incremental";
  /** An incremental table rebuilt in full without --full-refresh: the model's columns it lacked. */
  rebuiltForColumns?: string[];
  error?: string;
  /** An assertion's first failing rows. */
  sample?: Row[];
  /** Why an action was skipped: the failed action it depends on. */
  skippedBecause?: string;
  /**
   * Set when the action's first try ran out of memory (after `firstTrySeconds`) and this result is
   * of its second, made with nothing else running, on `threads` threads (see runGraph).
   */
  retriedAlone?: { threads: number; firstTrySeconds: number };
}

export interface RunOptions {
  fullRefresh?: boolean;
  /** Called as each action finishes, for progress output. */
  onActionDone?: (result: ActionResult, done: number, total: number) => void;
  /** How many failing rows of an assertion to keep (default 5). */
  sampleRows?: number;
  /**
   * Write DuckDB's query profile of each action to `<profileDir>/<schema.name>.json`: the action's
   * status and time, and one DuckDB JSON profile per statement it ran, in order.
   */
  profileDir?: string;
  /**
   * Called inside each action's transaction, its work done and not yet committed; the commit waits
   * for it. The crash tests stop a run there (test/support/hold-before-commit.ts) to kill it with
   * the work uncommitted.
   */
  beforeCommit?: (action: string) => Promise<void>;
  /** How many independent actions may run at once (default DEFAULT_CONCURRENT_ACTIONS; 1: one at a time). */
  concurrentActions?: number;
}

export interface RunReport {
  actions: ActionResult[];
  succeeded: boolean;
  seconds: number;
  /** How many actions the run ran at once, at most. */
  concurrentActions?: number;
}

/**
 * How many actions run at once by default. Two: on a small machine one action's statement keeps the
 * cores busy only part of the time (client round trips, commits, single-threaded phases of a query,
 * the many small assertions), and a second action fills those gaps; more would only compete for the
 * same cores and memory. ECOM_CONCURRENT_ACTIONS overrides it (1 runs one action at a time).
 */
export const DEFAULT_CONCURRENT_ACTIONS = 2;

/**
 * Executes a compiled Dataform graph on DuckDB with the semantics of `dataform run`: actions in
 * dependency order, each in its own transaction; an assertion that returns rows fails; an action
 * whose dependency failed (or was skipped) is skipped. The run goes on with independent actions.
 * Independent actions run at once, each on a connection of its own (see DEFAULT_CONCURRENT_ACTIONS):
 * an action starts only when everything it depends on has committed, so what each reads is what a
 * one-at-a-time run would give it. The report lists the actions in plan order whatever order they
 * finished in. Actions at once share DuckDB's memory, and each of DuckDB's threads needs some of it
 * (a hash aggregate's partitions, say): an action that runs out of it is run again, once, alone (the
 * others finish first and nothing new starts meanwhile) and on one thread, which is what DuckDB's
 * own advice for that error comes to; its first try was rolled back with its transaction. An
 * action that was alone on one thread already fails as it did.
 */
export async function runGraph(warehouse: Warehouse, graph: CompiledGraph, options: RunOptions = {}): Promise<RunReport> {
  const started = startTimer();
  const plan = planActions(graph);
  // What exists before the run decides, as for `dataform run` (which reads the warehouse's state
  // first), whether an incremental table is built or appended to; one look at the catalog for all.
  const existing = await warehouse.relations();
  checkDeclaredSources(warehouse, graph, plan, existing);
  await createSchemas(warehouse, graph);
  const results = new Map<string, ActionResult>();
  const waiting = byDependentsFirst(plan);
  // Workers that find nothing ready wait for the next action to finish.
  let wake: () => void = () => undefined;
  let someActionFinished = new Promise<void>((resolve) => (wake = resolve));
  const finish = (result: ActionResult) => {
    results.set(result.name, result);
    options.onActionDone?.(result, results.size, plan.length);
    wake();
    someActionFinished = new Promise<void>((resolve) => (wake = resolve));
  };
  /** The first waiting action (see byDependentsFirst) whose dependencies have all finished. */
  const takeReady = (): PlannedAction | undefined => {
    const index = waiting.findIndex((action) => action.dependencies.every((dependency) => results.has(dependency)));
    return index === -1 ? undefined : waiting.splice(index, 1)[0];
  };
  const atOnce = concurrentActions(warehouse, options);
  // The actions running now (each knows whether another ran beside it at any moment), and, while an
  // action runs again alone, the end of that.
  const running = new Set<{ besideOthers: boolean }>();
  let nobodyRunning = Promise.resolve();
  let markNobodyRunning: () => void = () => undefined;
  let alone: Promise<void> | undefined;
  const runTracked = async (session: Warehouse, action: PlannedAction): Promise<Attempt & { besideOthers: boolean }> => {
    const self = { besideOthers: running.size > 0 };
    for (const other of running) other.besideOthers = true;
    if (running.size === 0) nobodyRunning = new Promise<void>((resolve) => (markNobodyRunning = resolve));
    running.add(self);
    try {
      const attempt = await runAction(session, action, options, existing);
      return { ...attempt, besideOthers: self.besideOthers };
    } finally {
      running.delete(self);
      if (running.size === 0) markNobodyRunning();
    }
  };
  /** After a try that ran out of memory: the second try, alone and on one thread, unless the first was both already. */
  const retryAlone = async (session: Warehouse, action: PlannedAction, first: Attempt, engineMessage: string, besideOthers: boolean): Promise<Attempt> => {
    // The gate closes before anything is awaited, so no worker starts an action in between.
    while (alone) await alone;
    let done: () => void = () => undefined;
    alone = new Promise<void>((resolve) => (done = resolve));
    try {
      // Only this gate changes the thread count, so it is what it was at the first try.
      const threads = await threadsOf(session);
      if (!besideOthers && threads <= 1) return { ...first, error: outOfMemoryError(action, engineMessage, true) };
      while (running.size > 0) await nobodyRunning;
      const retry = async () => {
        const { besideOthers: _alone, ...attempt } = await runTracked(session, action);
        return attempt;
      };
      const withThreads = session.withThreads?.bind(session);
      const narrowed = threads > 1 && withThreads !== undefined;
      const attempt = narrowed ? await withThreads(1, retry) : await retry();
      const retriedThreads = narrowed ? 1 : threads;
      const error = attempt.outOfMemory ? { error: outOfMemoryError(action, attempt.outOfMemory, retriedThreads === 1) } : {};
      return { ...attempt, ...error, retriedAlone: { threads: retriedThreads, firstTrySeconds: first.seconds } };
    } finally {
      alone = undefined;
      done();
    }
  };
  const work = async (session: Warehouse) => {
    while (waiting.length > 0) {
      while (alone) await alone;
      const action = takeReady();
      if (action === undefined) {
        await someActionFinished;
        continue;
      }
      const blocker = action.dependencies.find((dependency) => results.get(dependency)?.status !== "succeeded");
      if (blocker) {
        finish({ name: action.name, kind: kindOf(action), status: "skipped" as const, seconds: 0, skippedBecause: blocker });
        continue;
      }
      const { besideOthers, ...first } = await runTracked(session, action);
      const { outOfMemory: _outOfMemory, ...result } = first.outOfMemory ? await retryAlone(session, action, first, first.outOfMemory, besideOthers) : first;
      finish(result);
    }
  };
  const sessions = await openSessions(warehouse, atOnce);
  try {
    // Every worker ends before the connections close, even when one of them threw.
    const ended = await Promise.allSettled([warehouse, ...sessions].map(work));
    const failure = ended.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
    if (failure) throw failure.reason;
  } finally {
    for (const session of sessions) session.close();
  }
  const actions = plan.map((action) => results.get(action.name) as ActionResult);
  return {
    actions,
    succeeded: actions.every((result) => result.status === "succeeded"),
    seconds: secondsSince(started),
    concurrentActions: atOnce,
  };
}

/**
 * The plan with the actions that most others wait on first (ties in plan order): when two actions
 * are ready, the one on the way to more of the graph starts, so the long chain (staging, fact,
 * analytics) keeps going and the assertions, which nothing waits on, fill in beside it.
 */
export function byDependentsFirst(plan: PlannedAction[]): PlannedAction[] {
  const dependents = new Map<string, Set<string>>(plan.map((action) => [action.name, new Set<string>()]));
  // Plan order is dependency order: walking it backwards, each action's dependents are complete.
  for (const action of [...plan].reverse()) {
    const own = dependents.get(action.name) as Set<string>;
    for (const dependency of action.dependencies) {
      const theirs = dependents.get(dependency);
      if (!theirs) continue;
      theirs.add(action.name);
      for (const name of own) theirs.add(name);
    }
  }
  const position = new Map(plan.map((action, index) => [action.name, index]));
  const waitingOn = (action: PlannedAction) => dependents.get(action.name)?.size ?? 0;
  return [...plan].sort((a, b) => waitingOn(b) - waitingOn(a) || (position.get(a.name) ?? 0) - (position.get(b.name) ?? 0));
}

/** How many actions this run may run at once: one when profiling (a profile is one connection's) or when the engine has one connection. */
function concurrentActions(warehouse: Warehouse, options: RunOptions): number {
  if (options.profileDir || !warehouse.session) return 1;
  return options.concurrentActions ?? concurrentActionsFromEnv();
}

/** ECOM_CONCURRENT_ACTIONS, or the default. */
export function concurrentActionsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  return countFromEnv(env, "ECOM_CONCURRENT_ACTIONS", "actions", "(1 runs one action at a time)") ?? DEFAULT_CONCURRENT_ACTIONS;
}

/** The extra connections a run with `count` workers needs (the warehouse's own is the first). */
async function openSessions(warehouse: Warehouse, count: number): Promise<Warehouse[]> {
  const sessions: Warehouse[] = [];
  for (let index = 1; index < count && warehouse.session; index++) sessions.push(await warehouse.session());
  return sessions;
}

/** The engine's thread count, 1 for an engine that cannot tell. */
async function threadsOf(warehouse: Warehouse): Promise<number> {
  return (await warehouse.threads?.()) ?? 1;
}

/** One try of an action: its result, and DuckDB's message when it failed for want of memory. */
type Attempt = ActionResult & { outOfMemory?: string };

async function runAction(warehouse: Warehouse, action: PlannedAction, options: RunOptions, existing: RelationSet): Promise<Attempt> {
  if (!options.profileDir) return runActionOnce(warehouse, action, options, existing);
  if (!warehouse.startProfiling || !warehouse.stopProfiling) {
    throw new EcomError(`The warehouse ${warehouse.file} cannot write query profiles: run without a profile folder.`);
  }
  const file = path.join(options.profileDir, `${action.name}.json`);
  await warehouse.startProfiling(file);
  let result: Attempt | undefined;
  try {
    result = await runActionOnce(warehouse, action, options, existing);
    return result;
  } finally {
    const statements = await warehouse.stopProfiling();
    fs.writeFileSync(file, `${JSON.stringify({ action: action.name, status: result?.status, seconds: result?.seconds, statements }, null, 2)}\n`);
  }
}

async function runActionOnce(warehouse: Warehouse, action: PlannedAction, options: RunOptions, existing: RelationSet): Promise<Attempt> {
  const started = startTimer();
  const base = { name: action.name, kind: kindOf(action) };
  try {
    const outcome = await warehouse.transaction(async () => {
      const { runnable } = action;
      const result =
        runnable.kind === "table"
          ? await buildTable(warehouse, runnable.action, options, existing)
          : runnable.kind === "assertion"
            ? await checkAssertion(warehouse, runnable.action, options.sampleRows ?? 5)
            : await runOperations(warehouse, runnable.action);
      await options.beforeCommit?.(action.name);
      return result;
    });
    return { ...base, seconds: secondsSince(started), ...outcome };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const failed = { ...base, status: "failed" as const, seconds: secondsSince(started), error: `${action.name}: ${explainEngineError(message)}` };
    return isOutOfMemory(message) ? { ...failed, outOfMemory: message } : failed;
  }
}

/**
 * DuckDB's out-of-memory error ends with advice in its own terms (`SET threads=X`, `SET memory_limit`)
 * that a user of `ecom` cannot follow; keep its first line and say what they can do.
 */
export function explainEngineError(message: string, { triedOneThread = false } = {}): string {
  if (!isOutOfMemory(message)) return message;
  const first = message.split("\n")[0]?.trim() ?? message;
  const advice = triedOneThread
    ? "It ran alone on one thread: give it more with ECOM_DUCKDB_MEMORY_LIMIT (e.g. ECOM_DUCKDB_MEMORY_LIMIT=4GiB) and run again."
    : "Give it more with ECOM_DUCKDB_MEMORY_LIMIT (e.g. ECOM_DUCKDB_MEMORY_LIMIT=4GiB), or fewer threads with ECOM_DUCKDB_THREADS=1, and run again.";
  return `${first}. DuckDB ran out of the memory it may use and could not spill what was left to disk. ${advice}`;
}

/** An action's error line for DuckDB's out-of-memory `message`, after it ran alone on one thread or not. */
function outOfMemoryError(action: PlannedAction, message: string, triedOneThread: boolean): string {
  return `${action.name}: ${explainEngineError(message, { triedOneThread })}`;
}

function isOutOfMemory(message: string): boolean {
  return /^Out of Memory Error/.test(message);
}

type Outcome = Pick<ActionResult, "status" | "rows" | "mode" | "sample" | "error" | "rebuiltForColumns">;

async function buildTable(warehouse: Warehouse, table: CompiledTable, options: RunOptions, existing: RelationSet): Promise<Outcome> {
  const target = warehouse.table(table.target.schema, table.target.name);
  if (table.type === "view") {
    await runAll(warehouse, table.preOps);
    await warehouse.run(`CREATE OR REPLACE VIEW ${target} AS (\n${warehouse.fromCompiledSql(table.query)}\n)`);
    await runAll(warehouse, table.postOps);
    return { status: "succeeded" };
  }
  const exists = existing.has(table.target.schema, table.target.name);
  let incremental = table.type === "incremental" && exists && !(options.fullRefresh && !table.protected);
  // A table built by an earlier version of its model lacks the columns added since, which its
  // incremental statements read or write: build it in full, as --full-refresh would, and say so.
  const lacking = incremental ? await columnsLacking(warehouse, table) : [];
  if (lacking.length > 0) {
    if (table.protected) {
      throw new Error(
        `the table lacks column(s) ${lacking.join(", ")} that its model now has, and it is protected, so it is not rebuilt: add them to the table, or drop it to rebuild it in full.`
      );
    }
    incremental = false;
  }
  if (incremental) {
    await runAll(warehouse, table.incrementalPreOps ?? table.preOps);
    await mergeIncrement(warehouse, table);
    await runAll(warehouse, table.incrementalPostOps ?? table.postOps);
  } else {
    await runAll(warehouse, table.preOps);
    await warehouse.run(`CREATE OR REPLACE TABLE ${target} AS (\n${warehouse.fromCompiledSql(table.query)}\n)`);
    await runAll(warehouse, table.postOps);
  }
  const rows = Number(await warehouse.scalar(`SELECT COUNT(*) FROM ${target}`));
  return {
    status: "succeeded",
    rows,
    ...(table.type === "incremental" ? { mode: incremental ? "incremental" : "full" } : {}),
    ...(lacking.length > 0 ? { rebuiltForColumns: lacking } : {}),
  };
}

/** The columns of an incremental table's model (its full query) that the existing table lacks. */
async function columnsLacking(warehouse: Warehouse, table: CompiledTable): Promise<string[]> {
  const have = new Set(await columnNames(warehouse, warehouse.table(table.target.schema, table.target.name)));
  // DESCRIBE of a query plans it and reads no row.
  return (await columnNames(warehouse, `(\n${warehouse.fromCompiledSql(table.query)}\n)`)).filter((column) => !have.has(column));
}

/** The columns of a table, or of a query in parentheses, in order. */
async function columnNames(warehouse: Warehouse, relation: string): Promise<string[]> {
  return (await warehouse.query(`SELECT column_name FROM (DESCRIBE ${relation})`)).map((row) => String(row.column_name));
}

/** MERGE on the unique key (update matched rows, insert new ones); INSERT when there is no key. */
async function mergeIncrement(warehouse: Warehouse, table: CompiledTable): Promise<void> {
  const target = warehouse.table(table.target.schema, table.target.name);
  const increment = warehouse.fromCompiledSql(table.incrementalQuery ?? table.query);
  const uniqueKey = table.uniqueKey ?? [];
  if (uniqueKey.length === 0) {
    await warehouse.run(`INSERT INTO ${target} BY NAME (\n${increment}\n)`);
    return;
  }
  const columns = await columnNames(warehouse, target);
  const on = uniqueKey.map((key) => `target.${quoteIdentifier(key)} = source.${quoteIdentifier(key)}`).join(" AND ");
  const updates = columns.map((column) => `${quoteIdentifier(column)} = source.${quoteIdentifier(column)}`).join(", ");
  const names = columns.map(quoteIdentifier).join(", ");
  const values = columns.map((column) => `source.${quoteIdentifier(column)}`).join(", ");
  await warehouse.run(
    `MERGE INTO ${target} AS target USING (\n${increment}\n) AS source ON ${on}
     WHEN MATCHED THEN UPDATE SET ${updates}
     WHEN NOT MATCHED THEN INSERT (${names}) VALUES (${values})`
  );
}

/** Like `dataform run`: the assertion's query becomes a view, and any row it returns is a failure. */
async function checkAssertion(warehouse: Warehouse, assertion: CompiledAssertion, sampleRows: number): Promise<Outcome> {
  const view = warehouse.table(assertion.target.schema, assertion.target.name);
  await warehouse.run(`CREATE OR REPLACE VIEW ${view} AS (\n${warehouse.fromCompiledSql(assertion.query)}\n)`);
  const rows = Number(await warehouse.scalar(`SELECT COUNT(*) FROM ${view}`));
  if (rows === 0) return { status: "succeeded", rows };
  const { rows: sample } = await warehouse.queryFirst(`SELECT * FROM ${view}`, sampleRows);
  return { status: "failed", rows, sample, error: `assertion returned ${rows} failing row(s)` };
}

async function runOperations(warehouse: Warehouse, operation: CompiledOperation): Promise<Outcome> {
  await runAll(warehouse, operation.queries);
  return { status: "succeeded" };
}

async function runAll(warehouse: Warehouse, statements: string[] | undefined): Promise<void> {
  for (const statement of statements ?? []) {
    if (!isBlankSql(statement)) await warehouse.run(warehouse.fromCompiledSql(statement));
  }
}

/**
 * Declarations are tables the graph reads but does not build. A missing one would fail every action
 * downstream with a terse "table does not exist"; say once, before anything runs, what is missing.
 */
function checkDeclaredSources(warehouse: Warehouse, graph: CompiledGraph, plan: PlannedAction[], existing: RelationSet): void {
  const needed = new Set(plan.flatMap((action) => (action.runnable.action.dependencyTargets ?? []).map((target) => `${target.schema}.${target.name}`)));
  const missing: string[] = [];
  for (const declaration of graph.declarations ?? []) {
    const { schema, name } = declaration.target;
    if (needed.has(`${schema}.${name}`) && !existing.has(schema, name)) missing.push(`${schema}.${name}`);
  }
  if (missing.length > 0) {
    throw new EcomError(
      `The graph reads ${missing.join(", ")}, which ${missing.length === 1 ? "is" : "are"} not in the warehouse ${warehouse.file}. ` +
        "Land the source data first (for this project: `ecom load --source FILE --db " + warehouse.file + "`), then run again."
    );
  }
}

async function createSchemas(warehouse: Warehouse, graph: CompiledGraph): Promise<void> {
  const targets = [...(graph.tables ?? []), ...(graph.assertions ?? []), ...(graph.operations ?? [])].map((action) => action.target);
  for (const schema of new Set(targets.map((target) => target.schema))) {
    await warehouse.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(warehouse.catalog)}.${quoteIdentifier(schema)}`);
  }
}

function kindOf(action: PlannedAction): ActionResult["kind"] {
  return action.runnable.kind === "table" ? action.runnable.action.type : action.runnable.kind;
}

