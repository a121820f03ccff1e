import { EcomError } from "../errors";
import { isBlankSql, withoutLeadingComments } from "../sql-text";
import { targetName, type CompiledGraph, type CompiledTable, type Target } from "../dataform/compiled-graph";
import { planActions } from "../runner/action-graph";
import { bigQueryLanguage } from "./bigquery-language";
import { checkGraph } from "./check-graph";
import { incrementalStatements, resolveTarget } from "./dataform-bigquery-sql";
import { evaluateModify, evaluateQuery, fromJsonRows, TableContents, toJsonRows, type EvaluatedTable, type JsonRow } from "./evaluate";
import { bigQueryTypeName } from "./types";
import { ZetaSqlError, type ZetaSqlService } from "./zetasql-service";

/** A table as the BigQuery graph built it: its columns with BigQuery's type names, and its rows in DuckDB's JSON shape. */
export interface ExecutedTable {
  columns: { name: string; type: string }[];
  rows: JsonRow[];
}

export interface GraphExecution {
  /** Every table, view and incremental table, by `schema.name`. */
  tables: Map<string, ExecutedTable>;
  /** How each incremental table was built: in full (first build) or by its incremental script. */
  incrementalModes: Map<string, "full" | "incremental">;
  /** Every assertion's rows, by `schema.name`: a passing assertion has none. */
  assertions: Map<string, JsonRow[]>;
  /** Operations, which were not executed (see executeGraph). */
  skippedOperations: string[];
}

/** A query of the graph that ZetaSQL's evaluator refused or failed on. */
export class GraphExecutionError extends EcomError {}

export interface ExecuteOptions {
  /**
   * The tables of an earlier execution of the graph: the incremental tables it built are then run
   * as `dataform run` runs them on an existing table, by their incremental script (the incremental
   * pre-operations, Dataform's INSERT or MERGE, the incremental post-operations). DECLAREs are
   * evaluated as above; DELETE, UPDATE and INSERT run on ZetaSQL's evaluator too (EvaluateModify).
   * A MERGE (an incremental table with a unique key) is not executed: it stops the execution.
   */
  previous?: GraphExecution;
}

/**
 * Runs a BigQuery compile of a Dataform graph on ZetaSQL's reference evaluator, the way a first
 * `dataform run` (or a `--full-refresh`) builds it: the declared tables hold `landing` (rows by
 * `schema.name`, in DuckDB's JSON shape; a declaration not given is empty), then every enabled
 * action's query runs in dependency order over the rows of the tables before it.
 *
 * A first run evaluates queries only: a table's `query` (also an incremental table's first build)
 * and an assertion's `query`; a next run (`options.previous`) also runs DML (see ExecuteOptions).
 * Operations are skipped: ours reads Cloud Storage through an external table, which no in-memory
 * row set can stand in for, and its SQL is analyzed by `checkGraph`. Of a first build's pre- and
 * post-operations only a `DECLARE name TYPE DEFAULT (query)` runs (as `sql.declareVariable` writes
 * it): its query is evaluated and the value given to the action's query as a constant of that name,
 * as BigQuery's script would; the others are not run, so a graph whose tables rely on them to shape
 * their rows cannot be executed this way.
 *
 * Made for fixtures: each query is sent with the rows of every table before it, and ZetaSQL's server
 * takes requests of up to 4 MB (for this project's graph, some 2,000 landed lines at most).
 */
export async function executeGraph(
  service: ZetaSqlService,
  graph: CompiledGraph,
  landing: Record<string, JsonRow[]>,
  options: ExecuteOptions = {}
): Promise<GraphExecution> {
  // The analysis gives every table its column types, which the evaluator needs before it sees rows.
  const check = await checkGraph(service, graph);
  if (check.failures.length > 0) {
    const lines = check.failures.map((failure) => `${failure.action} (${failure.step}): ${failure.statement.error?.message}`);
    throw new GraphExecutionError(`The graph does not analyze, so it cannot be executed:\n${lines.join("\n")}`);
  }
  const { catalog } = check;
  const language = await bigQueryLanguage(service);
  const contents = new TableContents();

  const declared = new Map((graph.declarations ?? []).map((declaration) => [targetName(declaration.target), declaration.target]));
  for (const name of Object.keys(landing)) {
    if (!declared.has(name)) throw new GraphExecutionError(`Rows were given for ${name}, which the graph does not declare.`);
  }
  for (const [name, target] of declared) {
    const table = catalog.getTable(catalogName(target));
    if (!table) throw new GraphExecutionError(`The declaration ${name} has no typed columns, so its rows cannot be given to ZetaSQL.`);
    contents.set(table.name, fromJsonRows(table.columns, landing[name] ?? []));
  }

  const execution: GraphExecution = { tables: new Map(), incrementalModes: new Map(), assertions: new Map(), skippedOperations: [] };
  for (const planned of planActions(graph)) {
    const { runnable } = planned;
    if (runnable.kind === "operations") {
      execution.skippedOperations.push(planned.name);
      continue;
    }
    const earlier = runnable.kind === "table" && runnable.action.type === "incremental" ? options.previous?.tables.get(planned.name) : undefined;
    let result: EvaluatedTable;
    if (runnable.kind === "table" && earlier) {
      result = await runIncrementally(planned.name, runnable.action, earlier);
    } else {
      for (const preOperation of runnable.kind === "table" ? (runnable.action.preOps ?? []) : []) await declare(planned.name, preOperation);
      result = await evaluate(planned.name, runnable.action.query);
    }
    if (runnable.kind === "table" && runnable.action.type === "incremental") execution.incrementalModes.set(planned.name, earlier ? "incremental" : "full");
    catalog.endScript();
    // Later queries read this action's rows (a view's too: evaluating it once is what reading it gives).
    contents.set(catalogName(runnable.action.target), result);
    const rows = toJsonRows(result);
    if (runnable.kind === "assertion") execution.assertions.set(planned.name, rows);
    else execution.tables.set(planned.name, { columns: result.columns.map((column) => ({ name: column.name, type: bigQueryTypeName(column.type) })), rows });
  }
  return execution;

  /** The incremental script of `table` on its rows of the earlier execution; returns its rows after. */
  async function runIncrementally(action: string, table: CompiledTable, earlier: ExecutedTable): Promise<EvaluatedTable> {
    const name = catalogName(table.target);
    const columns = catalog.getTable(name)?.columns;
    if (!columns) throw new GraphExecutionError(`${action}: the analysis gave the table no columns.`);
    contents.set(name, fromJsonRows(columns, earlier.rows));
    for (const statement of incrementalStatements(table, earlier.columns.map((column) => column.name))) {
      if (isBlankSql(statement.sql)) continue;
      const keyword = /^\s*(\w+)/.exec(withoutLeadingComments(statement.sql))?.[1]?.toUpperCase();
      if (keyword === "DECLARE") await declare(action, statement.sql, { required: true });
      else if (keyword === "DELETE" || keyword === "UPDATE" || keyword === "INSERT") contents.set(name, await modify(action, name, statement.sql));
      else throw new GraphExecutionError(`${action}: its ${statement.step} (${keyword ?? "empty"}) cannot be executed on ZetaSQL's evaluator; only DECLARE, DELETE, UPDATE and INSERT are.`);
    }
    return contents.get(name) as EvaluatedTable;
  }

  async function modify(action: string, target: string, sql: string) {
    try {
      return await evaluateModify(service, language, catalog, contents, target, sql);
    } catch (error) {
      if (!(error instanceof ZetaSqlError)) throw error;
      throw new GraphExecutionError(`${action}: ZetaSQL could not evaluate its statement: ${error.message}`, { cause: error });
    }
  }

  async function declare(action: string, preOperation: string, { required = false } = {}) {
    const declaration = /^\s*DECLARE\s+(\w+)\s+(\w+)\s+DEFAULT\s+\(([\s\S]*)\)\s*$/i.exec(withoutLeadingComments(preOperation));
    if (!declaration) {
      if (required) throw new GraphExecutionError(`${action}: a DECLARE not of the form DECLARE name TYPE DEFAULT (query) cannot be executed here.`);
      return;
    }
    const [, name, typeName, query] = declaration as unknown as [string, string, string, string];
    const value = await evaluate(action, `SELECT CAST((${query}) AS ${typeName}) AS value`);
    const column = value.columns[0];
    if (!column) throw new GraphExecutionError(`${action}: the DECLARE of ${name} gave no value.`);
    catalog.setConstant({ name, type: column.type, value: value.rows[0]?.[0] ?? {} });
  }

  async function evaluate(action: string, sql: string) {
    try {
      return await evaluateQuery(service, language, catalog, contents, sql);
    } catch (error) {
      if (!(error instanceof ZetaSqlError)) throw error;
      throw new GraphExecutionError(`${action}: ZetaSQL could not evaluate its query: ${error.message}`, { cause: error });
    }
  }
}

/** `project.dataset.table`, as the catalog and the table contents name a target. */
function catalogName(target: Target): string {
  return resolveTarget(target).slice(1, -1);
}
