import { compileProject, parseVars } from "../../dataform/compile";
import { runUnitTestsOnZetaSql } from "../../googlesql/unit-tests";
import { withZetaSql } from "../../googlesql/zetasql-service";
import { runUnitTests, type UnitTestResult } from "../../runner/unit-tests";
import { DuckDbWarehouse } from "../../warehouse/duckdb";
import type { Output } from "../../output";

export interface UnitTestFlags {
  warehouse: "duckdb" | "bigquery";
  vars?: string;
  projectDir: string;
}

/**
 * `ecom test`: the graph's Dataform unit tests, in the DuckDB dialect on an in-memory DuckDB, or in
 * the BigQuery dialect on ZetaSQL's evaluator (`--warehouse bigquery`). Same diff either way; exit 1
 * when one fails.
 */
export async function unitTestCommand(flags: UnitTestFlags, output: Output): Promise<number> {
  const vars = { ...parseVars(flags.vars), dialect: flags.warehouse };
  const { graph } = await compileProject({ projectDir: flags.projectDir, vars });
  let results: UnitTestResult[];
  if (flags.warehouse === "bigquery") {
    results = await withZetaSql((service) => runUnitTestsOnZetaSql(service, graph));
  } else {
    const warehouse = await DuckDbWarehouse.open(":memory:");
    try {
      results = await runUnitTests(warehouse, graph);
    } finally {
      warehouse.close();
    }
  }
  for (const result of results) {
    output.result(`${result.passed ? "passed" : "FAILED"}  ${result.name}`);
    for (const difference of result.differences) output.result(`    ${difference}`);
  }
  const failed = results.filter((result) => !result.passed).length;
  output.result(`${results.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}
