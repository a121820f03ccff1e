import { targetName, type CompiledGraph, type Target } from "../dataform/compiled-graph";
import { declaredType, type GraphCheck } from "../googlesql/check-graph";
import { lineageOfGraph, originalSources, type ColumnLineage } from "../googlesql/column-lineage";
import { assertionStatements, createStatements, operationStatements, resolveTarget } from "../googlesql/dataform-bigquery-sql";
import { bigQueryTypeName } from "../googlesql/types";
import type { RunReportFile } from "../runner/run-report";

/**
 * What the docs site shows, as data: every action of the compiled graph with its description, grain,
 * columns (type, description, lineage), assertions, SQL for both warehouses, dependencies, and the
 * last run's figures when a warehouse is given. `ecom docs --format json` prints exactly this.
 */
export interface DocsModel {
  project: string;
  generatedAt: string;
  actions: DocsAction[];
  /** `from` is read by `to`. */
  edges: { from: string; to: string }[];
  /** The layers (datasets) in the order data flows through them, for colouring. */
  layers: string[];
  warehouse?: { file: string; lastRun?: { startedAt: string; succeeded: boolean } };
}

export type ActionType = "table" | "view" | "incremental" | "assertion" | "operations" | "declaration" | "test";

export interface DocsAction {
  /** `schema.name`, as actions are named on the command line and in run reports. */
  id: string;
  name: string;
  type: ActionType;
  layer: string;
  /** `project.dataset.table` (for a test, the table it tests). */
  target: string;
  description?: string;
  grain?: string;
  tags: string[];
  fileName?: string;
  disabled?: boolean;
  columns: DocsColumn[];
  /** Ids of the actions this one reads, and of those that read it. */
  upstream: string[];
  downstream: string[];
  /** Ids of the assertions that check this table. */
  assertions: string[];
  /** For an assertion: what it checks. For a built-in one, the table it belongs to. */
  checks?: string;
  parent?: string;
  sql: { bigquery?: string; duckdb?: string };
  rows?: number;
  lastRun?: { status: string; seconds: number; rows?: number; error?: string };
}

export interface DocsColumn {
  name: string;
  /** BigQuery type from the GoogleSQL analysis. */
  type?: string;
  /** DuckDB type in the warehouse, when one was given. */
  duckdbType?: string;
  description?: string;
  /** Direct sources (`schema.table.column`) and the declared sources they come from, from ZetaSQL's resolved statement. */
  lineage?: { kind: ColumnLineage["kind"]; sources: string[]; origins: string[]; originsUnknown: boolean };
}

export interface WarehouseFacts {
  file: string;
  /** Rows per `schema.name`. */
  rows: Map<string, number>;
  /** DuckDB column types per `schema.name`. */
  columnTypes: Map<string, Map<string, string>>;
  runReport?: RunReportFile;
}

export interface DocsInput {
  bigquery: CompiledGraph;
  duckdb?: CompiledGraph;
  check: GraphCheck;
  warehouse?: WarehouseFacts;
  generatedAt?: Date;
}

/** Builds the docs model of a compiled graph. */
export function buildDocsModel(input: DocsInput): DocsModel {
  const { bigquery, check } = input;
  const duckdbSql = duckdbQueries(input.duckdb);
  const lineage = lineageOfGraph(check.statements);
  const lastRun = new Map((input.warehouse?.runReport?.actions ?? []).map((action) => [action.name, action]));
  const actions: DocsAction[] = [];
  const byTarget = new Map<string, string>();

  const base = (target: Target, type: ActionType, extra: { description?: string; tags?: string[]; fileName?: string; disabled?: boolean }): DocsAction => {
    const id = targetName(target);
    byTarget.set(resolveTarget(target).toLowerCase(), id);
    const description = extra.description;
    const grain = description ? /Grain: ([^.]*(?:\.[0-9][^.]*)*\.)/.exec(description)?.[1] : undefined;
    const run = lastRun.get(id);
    const rows = input.warehouse?.rows.get(id);
    return {
      id,
      name: target.name,
      type,
      layer: target.schema,
      target: resolveTarget(target).slice(1, -1),
      ...(description ? { description } : {}),
      ...(grain ? { grain } : {}),
      tags: extra.tags ?? [],
      ...(extra.fileName ? { fileName: extra.fileName } : {}),
      ...(extra.disabled ? { disabled: true } : {}),
      columns: [],
      upstream: [],
      downstream: [],
      assertions: [],
      sql: {},
      ...(rows !== undefined ? { rows } : {}),
      ...(run ? { lastRun: { status: run.status, seconds: run.seconds, ...(run.rows !== undefined ? { rows: run.rows } : {}), ...(run.error ? { error: run.error } : {}) } } : {}),
    };
  };

  for (const declaration of bigquery.declarations ?? []) {
    const action = base(declaration.target, "declaration", { description: declaration.actionDescriptor?.description, tags: declaration.tags, fileName: declaration.fileName });
    action.columns = (declaration.actionDescriptor?.columns ?? []).map((column) => {
      const name = (column.path ?? []).join(".");
      const type = declaredType(column);
      return { name, ...(type ? { type } : {}), ...(column.description ? { description: column.description } : {}) };
    });
    actions.push(action);
  }
  for (const table of bigquery.tables ?? []) {
    const action = base(table.target, table.type, { description: table.actionDescriptor?.description, tags: table.tags, fileName: table.fileName, disabled: table.disabled });
    action.sql = { bigquery: createStatements(table).map((statement) => statement.sql.trim()).join(";\n\n"), ...sqlFor(duckdbSql, action.id) };
    actions.push(action);
  }
  for (const operation of bigquery.operations ?? []) {
    const action = base(operation.target, "operations", { description: operation.actionDescriptor?.description, tags: operation.tags, fileName: operation.fileName, disabled: operation.disabled });
    action.sql = { bigquery: operationStatements(operation).map((statement) => statement.sql.trim()).join(";\n\n"), ...sqlFor(duckdbSql, action.id) };
    actions.push(action);
  }
  for (const assertion of bigquery.assertions ?? []) {
    const action = base(assertion.target, "assertion", { description: assertion.actionDescriptor?.description, tags: assertion.tags, fileName: assertion.fileName, disabled: assertion.disabled });
    action.sql = { bigquery: assertionStatements(assertion)[0]?.sql.trim() ?? assertion.query, ...sqlFor(duckdbSql, action.id) };
    if (assertion.parentAction) action.parent = targetName(assertion.parentAction);
    action.checks = describeAssertion(assertion.target.name, assertion.query, action.description);
    actions.push(action);
  }
  for (const test of bigquery.tests ?? []) {
    actions.push({
      id: `test.${test.name}`,
      name: test.name,
      type: "test",
      layer: "tests",
      target: "",
      tags: [],
      ...(test.fileName ? { fileName: test.fileName } : {}),
      columns: [],
      upstream: [],
      downstream: [],
      assertions: [],
      sql: { bigquery: test.testQuery.trim(), ...(input.duckdb ? { duckdb: input.duckdb.tests?.find((candidate) => candidate.name === test.name)?.testQuery.trim() ?? "" } : {}) },
    });
  }

  const byId = new Map(actions.map((action) => [action.id, action]));
  const edges: { from: string; to: string }[] = [];
  const compiled = [...(bigquery.tables ?? []), ...(bigquery.operations ?? []), ...(bigquery.assertions ?? [])];
  for (const action of compiled) {
    const to = targetName(action.target);
    for (const dependency of action.dependencyTargets ?? []) {
      const from = targetName(dependency);
      if (!byId.has(from) || from === to || edges.some((edge) => edge.from === from && edge.to === to)) continue;
      edges.push({ from, to });
      byId.get(to)?.upstream.push(from);
      byId.get(from)?.downstream.push(to);
    }
  }
  for (const action of actions) {
    if (action.type !== "assertion") continue;
    const checked = action.parent ? [action.parent] : action.upstream;
    for (const id of checked) byId.get(id)?.assertions.push(action.id);
  }

  // Columns of built tables: BigQuery types from the analysis, documentation from the config, lineage from ZetaSQL.
  for (const table of bigquery.tables ?? []) {
    const action = byId.get(targetName(table.target)) as DocsAction;
    const catalogTable = check.catalog.getTable(resolveTarget(table.target));
    const documented = new Map((table.actionDescriptor?.columns ?? []).map((column) => [(column.path ?? []).join("."), column.description]));
    const tableLineage = lineage.get(action.target.toLowerCase()) ?? [];
    const duckdbTypes = input.warehouse?.columnTypes.get(action.id);
    const names = catalogTable ? catalogTable.columns.filter((column) => !column.pseudo).map((column) => column.name) : [...documented.keys()];
    action.columns = names.map((name) => {
      const type = catalogTable?.columns.find((column) => column.name === name)?.type;
      const entry = tableLineage.find((candidate) => candidate.column === name);
      const origins = entry ? originalSources(lineage, action.target, name) : undefined;
      const description = documented.get(name);
      const duckdbType = duckdbTypes?.get(name);
      return {
        name,
        ...(type ? { type: bigQueryTypeName(type) } : {}),
        ...(duckdbType ? { duckdbType } : {}),
        ...(description ? { description } : {}),
        ...(entry && origins
          ? {
              lineage: {
                kind: entry.kind,
                sources: entry.sources.map((source) => qualifiedColumn(byTarget, source.table, source.column)),
                origins: origins.sources.map((source) => qualifiedColumn(byTarget, source.table, source.column)),
                originsUnknown: origins.unknown,
              },
            }
          : {}),
      };
    });
  }

  const layers = orderLayers(actions, edges);
  return {
    project: bigquery.projectConfig?.defaultDatabase ?? "",
    generatedAt: (input.generatedAt ?? new Date()).toISOString(),
    actions,
    edges,
    layers,
    ...(input.warehouse
      ? {
          warehouse: {
            file: input.warehouse.file,
            ...(input.warehouse.runReport ? { lastRun: { startedAt: input.warehouse.runReport.startedAt, succeeded: input.warehouse.runReport.succeeded } } : {}),
          },
        }
      : {}),
  };
}

/** `schema.table.column` for a catalog table name, using the action id where the graph has one. */
function qualifiedColumn(byTarget: Map<string, string>, table: string, column: string): string {
  const id = byTarget.get(`\`${table}\``.toLowerCase()) ?? table.split(".").slice(-2).join(".");
  return `${id}.${column}`;
}

/** What a built-in assertion checks, read from the query Dataform generated; a standalone one says so in its description. */
function describeAssertion(name: string, query: string, description: string | undefined): string {
  if (/_assertions_uniqueKey_\d+$/.test(name)) {
    const columns = /GROUP BY\s+([^)]*?)\s*\)\s*AS data/i.exec(query)?.[1]?.replace(/\s+/g, " ").trim();
    return columns ? `unique key: no two rows share (${columns})` : "unique key";
  }
  if (/_assertions_rowConditions$/.test(name)) {
    const conditions = [...query.matchAll(/'((?:[^'\\]|\\.)*)' AS failing_row_condition/g)].map((match) => (match[1] ?? "").replace(/\\'/g, "'"));
    return conditions.length > 0 ? `every row satisfies: ${conditions.join("; ")}` : "row conditions";
  }
  return description ?? "returns the rows that break its rule (none, when it passes)";
}

/** Datasets in the order data flows through them: by the longest path from a source of their actions. */
function orderLayers(actions: DocsAction[], edges: { from: string; to: string }[]): string[] {
  const depth = new Map<string, number>();
  const upstream = new Map<string, string[]>();
  for (const edge of edges) upstream.set(edge.to, [...(upstream.get(edge.to) ?? []), edge.from]);
  const depthOf = (id: string, seen = new Set<string>()): number => {
    if (depth.has(id)) return depth.get(id) as number;
    if (seen.has(id)) return 0;
    seen.add(id);
    const value = Math.max(0, ...(upstream.get(id) ?? []).map((from) => depthOf(from, seen) + 1));
    depth.set(id, value);
    return value;
  };
  // A layer's place is its actions' average depth: one table that reads the sources directly (a
  // data-quality read model) does not move its whole dataset ahead of the ones it mostly reads.
  const depths = new Map<string, number[]>();
  for (const action of actions) {
    if (action.type === "assertion" || action.type === "test") continue;
    depths.set(action.layer, [...(depths.get(action.layer) ?? []), depthOf(action.id)]);
  }
  const average = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const layers = [...depths.entries()]
    .map(([layer, values]) => [layer, average(values)] as const)
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .map(([layer]) => layer);
  for (const extra of ["assertions", "tests"]) {
    const names = [...new Set(actions.filter((action) => (extra === "tests" ? action.type === "test" : action.type === "assertion")).map((action) => action.layer))];
    for (const name of names) if (!layers.includes(name)) layers.push(name);
  }
  return layers;
}

function duckdbQueries(graph: CompiledGraph | undefined): Map<string, string> {
  const queries = new Map<string, string>();
  for (const table of graph?.tables ?? []) queries.set(targetName(table.target), table.query.trim());
  for (const operation of graph?.operations ?? []) queries.set(targetName(operation.target), operation.queries.join(";\n").trim());
  for (const assertion of graph?.assertions ?? []) queries.set(targetName(assertion.target), assertion.query.trim());
  return queries;
}

function sqlFor(queries: Map<string, string>, id: string): { duckdb?: string } {
  const sql = queries.get(id);
  return sql === undefined ? {} : { duckdb: sql };
}
