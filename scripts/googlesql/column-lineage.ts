import type { Message } from "./zetasql-service";

/**
 * Column-level lineage read from ZetaSQL's resolved AST: for each output column of a statement, the
 * columns of the tables it reads that its value is computed from. Nothing is guessed from SQL text:
 * ZetaSQL has already bound every name to a column id, so a column is traced through projections,
 * aggregates, window functions, joins, CTEs, set operations and UNNEST to the table scans it starts
 * from. Filters and join conditions decide which rows, not what a value is, so they are not sources.
 * A column whose origin the walk cannot follow is marked unknown, never filled in.
 */

export interface SourceColumn {
  /** The table as the catalog names it: `project.dataset.table`. */
  table: string;
  column: string;
}

export interface ColumnLineage {
  column: string;
  sources: SourceColumn[];
  /**
   * `identity`: a source column's value as it is (renamed at most); `derived`: computed from its
   * sources; `none`: computed from no column (a literal, COUNT(*), CURRENT_DATE()); `unknown`: the walk
   * could not follow it.
   */
  kind: "identity" | "derived" | "none" | "unknown";
}

interface Definition {
  dependsOn: string[];
  identity: boolean;
}

/** The lineage of each output column of a resolved statement (a query, CREATE TABLE AS SELECT or CREATE VIEW). */
export function columnLineage(resolvedStatement: Message): ColumnLineage[] {
  const outputs = findOutputColumns(resolvedStatement);
  if (!outputs) return [];
  const graph = new LineageGraph();
  graph.collect(resolvedStatement);
  return outputs.map((output) => ({ column: String(output.name), ...graph.trace(String(output.column?.columnId)) }));
}

class LineageGraph {
  private readonly bases = new Map<string, SourceColumn>();
  private readonly definitions = new Map<string, Definition>();
  private readonly withQueries = new Map<string, string[][]>();
  private readonly withReferences: { name: string; columns: string[] }[] = [];

  /** Walks the whole tree once, recording where each column id comes from. */
  collect(node: unknown): void {
    if (Array.isArray(node)) {
      for (const item of node) this.collect(item);
      return;
    }
    if (!node || typeof node !== "object") return;
    const record = node as Message;
    this.record(record);
    for (const value of Object.values(record)) this.collect(value);
  }

  private record(node: Message): void {
    const tableScan = node.resolvedTableScanNode as Message | undefined;
    if (tableScan) {
      const table = String(tableScan.table?.fullName || tableScan.table?.name);
      for (const column of columnList(tableScan)) this.bases.set(String(column.columnId), { table, column: String(column.name) });
    }
    const withScan = node.resolvedWithScanNode as Message | undefined;
    if (withScan) {
      for (const entry of (withScan.withEntryList as Message[] | undefined) ?? []) {
        const name = String(entry.withQueryName);
        const columns = columnList(innerNode(entry.withSubquery)).map((column) => String(column.columnId));
        this.withQueries.set(name, [...(this.withQueries.get(name) ?? []), columns]);
      }
    }
    const withRef = node.resolvedWithRefScanNode as Message | undefined;
    if (withRef) this.withReferences.push({ name: String(withRef.withQueryName), columns: columnList(withRef).map((column) => String(column.columnId)) });
    const setOperation = node.resolvedSetOperationScanNode as Message | undefined;
    if (setOperation) {
      const outputs = columnList(setOperation).map((column) => String(column.columnId));
      const inputs = ((setOperation.inputItemList as Message[] | undefined) ?? []).map((item) =>
        ((item.outputColumnList as Message[] | undefined) ?? []).map((column) => String(column.columnId))
      );
      outputs.forEach((id, index) => this.define(id, inputs.map((input) => input[index]).filter((input): input is string => input !== undefined), false));
    }
    const arrayScan = node.resolvedArrayScanNode as Message | undefined;
    if (arrayScan) {
      const elements = (arrayScan.elementColumnList as Message[] | undefined) ?? (arrayScan.elementColumn ? [arrayScan.elementColumn] : []);
      const arrays = (arrayScan.arrayExprList as Message[] | undefined) ?? (arrayScan.arrayExpr ? [arrayScan.arrayExpr] : []);
      elements.forEach((element, index) => this.define(String(element.columnId), valueReferences(arrays[index]), false));
    }
    // A computed column: `expr AS column` in a projection, an aggregate or a GROUP BY key.
    if (node.column?.columnId !== undefined && node.expr && typeof node.expr === "object") {
      this.define(String(node.column.columnId), valueReferences(node.expr), isColumnReference(node.expr));
    }
    // A window function's value depends on its window: the PARTITION BY and ORDER BY columns.
    if (Array.isArray(node.analyticFunctionList)) {
      const window = [...valueReferences(node.partitionBy), ...valueReferences(node.orderBy)];
      for (const computed of node.analyticFunctionList as Message[]) {
        this.define(String(computed.column?.columnId), [...valueReferences(computed.expr), ...window], false);
      }
    }
  }

  private define(id: string, dependsOn: string[], identity: boolean): void {
    const existing = this.definitions.get(id);
    this.definitions.set(id, existing ? { dependsOn: [...new Set([...existing.dependsOn, ...dependsOn])], identity: existing.identity && identity } : { dependsOn, identity });
  }

  /** The source columns a column id's value comes from. */
  trace(id: string): Omit<ColumnLineage, "column"> {
    this.linkWithReferences();
    const sources = new Map<string, SourceColumn>();
    let identity = true;
    let unknown = false;
    const visited = new Set<string>();
    const visit = (current: string): void => {
      if (visited.has(current)) return;
      visited.add(current);
      const base = this.bases.get(current);
      if (base) {
        sources.set(`${base.table}\u0000${base.column}`, base);
        return;
      }
      const definition = this.definitions.get(current);
      if (!definition) {
        unknown = true;
        return;
      }
      if (!definition.identity) identity = false;
      for (const next of definition.dependsOn) visit(next);
    };
    visit(id);
    const list = [...sources.values()].sort((a, b) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`));
    if (unknown) return { sources: list, kind: "unknown" };
    if (list.length === 0) return { sources: list, kind: "none" };
    return { sources: list, kind: identity && list.length === 1 ? "identity" : "derived" };
  }

  private linked = false;

  /** A CTE reference's columns are, position by position, the CTE query's; a name defined twice stays unknown. */
  private linkWithReferences(): void {
    if (this.linked) return;
    this.linked = true;
    for (const reference of this.withReferences) {
      const queries = this.withQueries.get(reference.name) ?? [];
      if (queries.length !== 1) continue;
      const query = queries[0] as string[];
      reference.columns.forEach((id, index) => {
        const target = query[index];
        if (target !== undefined) this.define(id, [target], true);
      });
    }
  }
}

/**
 * The column ids an expression's value is read from. A subquery contributes its output column (its
 * own inside is traced where it is defined), not every column it mentions.
 */
function valueReferences(expression: unknown): string[] {
  const ids: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (!node || typeof node !== "object") return;
    const record = node as Message;
    // A column reference, wrapped in its oneof (in expressions) or bare (PARTITION BY, ORDER BY items).
    const reference = (record.resolvedColumnRefNode ?? ("isCorrelated" in record ? record : undefined)) as Message | undefined;
    if (reference?.column?.columnId !== undefined) {
      ids.push(String(reference.column.columnId));
      return;
    }
    const subquery = record.resolvedSubqueryExprNode as Message | undefined;
    if (subquery) {
      const first = columnList(innerNode(subquery.subquery))[0];
      if (first) ids.push(String(first.columnId));
      visit(subquery.inExpr);
      return;
    }
    for (const value of Object.values(record)) visit(value);
  };
  visit(expression);
  return [...new Set(ids)];
}

/** `a` or `t.a` as it is, no function, cast or operator around it. */
function isColumnReference(expression: Message): boolean {
  return expression.node === "resolvedColumnRefNode";
}

/** The statement's named output columns, however deep its oneof wrappers nest them. */
function findOutputColumns(node: unknown): Message[] | undefined {
  if (!node || typeof node !== "object" || Array.isArray(node)) return undefined;
  const record = node as Message;
  if (Array.isArray(record.outputColumnList)) return record.outputColumnList as Message[];
  for (const [key, value] of Object.entries(record)) {
    if (key === "query") continue;
    const found = findOutputColumns(value);
    if (found) return found;
  }
  return undefined;
}

/** A scan's columns, found in its `parent` chain. */
function columnList(scan: Message | undefined): Message[] {
  let current: Message | undefined = scan;
  while (current) {
    if (Array.isArray(current.columnList)) return current.columnList as Message[];
    current = current.parent as Message | undefined;
  }
  return [];
}

/** The node inside a oneof wrapper (`{ resolvedProjectScanNode: {...}, node: "resolvedProjectScanNode" }`), innermost first. */
function innerNode(wrapper: Message | undefined): Message | undefined {
  let current = wrapper;
  while (current && typeof current.node === "string" && current[current.node]) current = current[current.node] as Message;
  return current;
}

/** Each built table's column lineage, by the table's catalog name (`project.dataset.table`). */
export type GraphLineage = Map<string, ColumnLineage[]>;

/**
 * Follows a column's lineage through the tables the graph builds back to the tables it does not
 * (the declared sources): `customer_rfm.monetary` to `raw_sales.quantity` and `raw_sales.unit_price`.
 * `unknown` is true when a step on the way could not be traced.
 */
export function originalSources(lineage: GraphLineage, table: string, column: string): { sources: SourceColumn[]; unknown: boolean } {
  const sources = new Map<string, SourceColumn>();
  let unknown = false;
  const visited = new Set<string>();
  const visit = (current: SourceColumn): void => {
    const key = `${current.table.toLowerCase()}\u0000${current.column.toLowerCase()}`;
    if (visited.has(key)) return;
    visited.add(key);
    const columns = lineage.get(current.table.toLowerCase());
    if (!columns) {
      sources.set(key, current);
      return;
    }
    const entry = columns.find((candidate) => candidate.column.toLowerCase() === current.column.toLowerCase());
    if (!entry || entry.kind === "unknown") unknown = true;
    for (const source of entry?.sources ?? []) visit(source);
  };
  visit({ table, column });
  return { sources: [...sources.values()].sort((a, b) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`)), unknown };
}

/** The lineage of every table and view a checked graph builds, from the statements that first build them. */
export function lineageOfGraph(statements: readonly { step: string; statement: { creates?: string; resolved?: Message; error?: unknown } }[]): GraphLineage {
  const lineage: GraphLineage = new Map();
  for (const { step, statement } of statements) {
    if ((step !== "create table" && step !== "create view") || !statement.creates || !statement.resolved || statement.error) continue;
    lineage.set(statement.creates.replace(/`/g, "").toLowerCase(), columnLineage(statement.resolved));
  }
  return lineage;
}
