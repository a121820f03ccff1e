import type { CompiledGraph } from "../dataform/compiled-graph";
import type { Row, Warehouse } from "../warehouse/warehouse";

export interface UnitTestResult {
  name: string;
  fileName?: string;
  passed: boolean;
  /** Readable differences between the actual and expected rows, empty when the test passed. */
  differences: string[];
}

/**
 * Runs the graph's Dataform unit tests (`type: "test"`) on DuckDB: the model's query over the test's
 * inputs against the expected rows, compared as unordered sets of rows, as `dataform test` does.
 * Numbers are compared by value, so an expected `2.5` matches a NUMERIC `2.500000000`.
 */
export async function runUnitTests(warehouse: Warehouse, graph: CompiledGraph): Promise<UnitTestResult[]> {
  const results: UnitTestResult[] = [];
  for (const test of graph.tests ?? []) {
    let differences: string[];
    try {
      const actual = await warehouse.queryFirst(warehouse.fromCompiledSql(test.testQuery), 10_000);
      const expected = await warehouse.queryFirst(warehouse.fromCompiledSql(test.expectedOutputQuery), 10_000);
      differences = compareRows(actual, expected);
    } catch (error) {
      differences = [`query failed: ${error instanceof Error ? error.message : String(error)}`];
    }
    results.push({ name: test.name, ...(test.fileName ? { fileName: test.fileName } : {}), passed: differences.length === 0, differences });
  }
  return results;
}

interface RowSet {
  columns: string[];
  rows: Row[];
}

/** Differences between two row sets: missing or unexpected columns, then rows only in one of them. */
export function compareRows(actual: RowSet, expected: RowSet): string[] {
  const differences: string[] = [];
  const missing = expected.columns.filter((column) => !actual.columns.includes(column));
  const unexpected = actual.columns.filter((column) => !expected.columns.includes(column));
  if (missing.length > 0) differences.push(`columns expected but not produced: ${missing.join(", ")}`);
  if (unexpected.length > 0) differences.push(`columns produced but not expected: ${unexpected.join(", ")}`);
  if (differences.length > 0) return differences;

  const columns = [...expected.columns].sort();
  const key = (row: Row) => JSON.stringify(columns.map((column) => normaliseValue(row[column])));
  const remaining = new Map<string, number>();
  for (const row of actual.rows) remaining.set(key(row), (remaining.get(key(row)) ?? 0) + 1);
  const notProduced: Row[] = [];
  for (const row of expected.rows) {
    const count = remaining.get(key(row)) ?? 0;
    if (count > 0) remaining.set(key(row), count - 1);
    else notProduced.push(row);
  }
  const extra = actual.rows.filter((row) => {
    const count = remaining.get(key(row)) ?? 0;
    if (count === 0) return false;
    remaining.set(key(row), count - 1);
    return true;
  });
  if (actual.rows.length !== expected.rows.length) {
    differences.push(`expected ${expected.rows.length} row(s), got ${actual.rows.length}`);
  }
  const show = (row: Row) => columns.map((column) => `${column}=${JSON.stringify(row[column])}`).join(", ");
  for (const row of notProduced) differences.push(`- expected, not produced: ${show(row)}`);
  for (const row of extra) differences.push(`+ produced, not expected: ${show(row)}`);
  return differences;
}

function normaliseValue(value: unknown): unknown {
  if (typeof value === "number") return normaliseNumber(String(value));
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)) return normaliseNumber(value);
  return value;
}

function normaliseNumber(text: string): string {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}
