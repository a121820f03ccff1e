import { EcomError } from "../errors";
import { targetName, type CompiledGraph, type Target } from "../dataform/compiled-graph";
import { planActions } from "../runner/action-graph";
import { bigQueryLanguage } from "./bigquery-language";
import { checkGraph } from "./check-graph";
import { resolveTarget } from "./dataform-bigquery-sql";
import { evaluateQuery, fromJsonRows, TableContents, toJsonRows, type JsonRow } from "./evaluate";
import { bigQueryTypeName } from "./types";
import { ZetaSqlError, type ZetaSqlService } from "./zetasql-service";

/** A table as the BigQuery graph built it: its columns with BigQuery's type names, and its rows in DuckDB's JSON shape. */
export interface ExecutedTable {
  columns: { name: string; type: string }[];
  rows: JsonRow[];
}

export interface GraphExecution {
  /** Every table, view and incremental table (its first build), by `schema.name`. */
  tables: Map<string, ExecutedTable>;
  /** Every assertion's rows, by `schema.name`: a passing assertion has none. */
  assertions: Map<string, JsonRow[]>;
  /** Operations, which were not executed (see executeGraph). */
  skippedOperations: string[];
}

/** A query of the graph that ZetaSQL's evaluator refused or failed on. */
export class GraphExecutionError extends EcomError {}

/**
 * Runs a BigQuery compile of a Dataform graph on ZetaSQL's reference evaluator, the way a first
 * `dataform run` (or a `--full-refresh`) builds it: the declared tables hold `landing` (rows by
 * `schema.name`, in DuckDB's JSON shape; a declaration not given is empty), then every enabled
 * action's query runs in dependency order over the rows of the tables before it.
 *
 * Only queries are evaluated, because EvaluateQuery runs queries, not DDL or DML: a table's `query`
 * (also an incremental table's first build; its MERGE is covered by `checkGraph`'s analysis) and an
 * assertion's `query`. Operations are skipped: ours reads Cloud Storage through an external table,
 * which no in-memory row set can stand in for, and its SQL is analyzed by `checkGraph`. Of the pre-
 * and post-operations only a `DECLARE name TYPE DEFAULT (query)` runs (as `sql.declareVariable`
 * writes it): its query is evaluated and the value given to the action's query as a constant of that
 * name, as BigQuery's script would; other DML is not run, so a graph whose tables rely on it to
 * shape their rows cannot be executed this way.
 *
 * Made for fixtures: each query is sent with the rows of every table before it, and ZetaSQL's server
 * takes requests of up to 4 MB (for this project's graph, some 2,000 landed lines at most).
 */
export async function executeGraph(service: ZetaSqlService, graph: CompiledGraph, landing: Record<string, JsonRow[]>): Promise<GraphExecution> {
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

  const execution: GraphExecution = { tables: new Map(), assertions: new Map(), skippedOperations: [] };
  for (const planned of planActions(graph)) {
    const { runnable } = planned;
    if (runnable.kind === "operations") {
      execution.skippedOperations.push(planned.name);
      continue;
    }
    for (const preOperation of runnable.kind === "table" ? (runnable.action.preOps ?? []) : []) await declare(planned.name, preOperation);
    const result = await evaluate(planned.name, runnable.action.query);
    catalog.endScript();
    // Later queries read this action's rows (a view's too: evaluating it once is what reading it gives).
    contents.set(catalogName(runnable.action.target), result);
    const rows = toJsonRows(result);
    if (runnable.kind === "assertion") execution.assertions.set(planned.name, rows);
    else execution.tables.set(planned.name, { columns: result.columns.map((column) => ({ name: column.name, type: bigQueryTypeName(column.type) })), rows });
  }
  return execution;

  async function declare(action: string, preOperation: string) {
    const declaration = /^\s*DECLARE\s+(\w+)\s+(\w+)\s+DEFAULT\s+\(([\s\S]*)\)\s*$/i.exec(preOperation);
    if (!declaration) return;
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
