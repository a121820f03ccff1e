import type { CompiledGraph } from "../dataform/compiled-graph";
import { compareRows, type UnitTestResult } from "../runner/unit-tests";
import { bigQueryLanguage } from "./bigquery-language";
import { Catalog } from "./catalog";
import { evaluateQuery, TableContents, toJsonRows } from "./evaluate";
import { ZetaSqlError, type ZetaSqlService } from "./zetasql-service";

/**
 * Runs the graph's Dataform unit tests (`type: "test"`) in the BigQuery dialect on ZetaSQL's reference
 * evaluator: the model's BigQuery query over the test's inputs against the expected rows, compared
 * as unordered sets of rows with the same diff as on DuckDB. Dataform itself runs them only on BigQuery.
 * A test's inputs are inlined in its query, so no table is needed; a query that still reads one fails
 * with ZetaSQL's "Table not found".
 */
export async function runUnitTestsOnZetaSql(service: ZetaSqlService, graph: CompiledGraph): Promise<UnitTestResult[]> {
  const language = await bigQueryLanguage(service);
  const catalog = new Catalog(graph.projectConfig?.defaultDatabase ?? "", language.builtinFunctionOptions);
  const contents = new TableContents();
  const results: UnitTestResult[] = [];
  for (const test of graph.tests ?? []) {
    let differences: string[];
    try {
      const actual = await evaluateQuery(service, language, catalog, contents, test.testQuery);
      const expected = await evaluateQuery(service, language, catalog, contents, test.expectedOutputQuery);
      differences = compareRows(
        { columns: actual.columns.map((column) => column.name), rows: toJsonRows(actual) },
        { columns: expected.columns.map((column) => column.name), rows: toJsonRows(expected) }
      );
    } catch (error) {
      if (!(error instanceof ZetaSqlError)) throw error;
      differences = [`query failed: ${error.message}`];
    }
    results.push({ name: test.name, ...(test.fileName ? { fileName: test.fileName } : {}), passed: differences.length === 0, differences });
  }
  return results;
}
