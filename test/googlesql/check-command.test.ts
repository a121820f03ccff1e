import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../scripts/cli/main";
import { RecordingOutput } from "../../scripts/output";
import { copyFixtureProject } from "../support/fixture-project";
import { makeTempDir } from "../support/temp";

/*
 * `ecom check --warehouse bigquery` on a small project of its own (test/fixtures/bigquery-check-project):
 * typed declarations, a table with built-in assertions, an incremental table with a DECLARE in its
 * pre-operations, and three models broken the ways BigQuery users break them. The expected messages
 * are ZetaSQL's own; the lines are those of the SQL BigQuery would receive
 * ("create or replace table ... as", a blank line, then the model's SELECT on line 3).
 */
describe("ecom check --warehouse bigquery on a fixture project", function () {
  this.timeout(120_000);
  const temp = makeTempDir("ecom-check");
  const projectDir = copyFixtureProject("bigquery-check-project", temp.dir);
  after(() => temp.remove());

  async function check(): Promise<{ exitCode: number; output: RecordingOutput }> {
    const output = new RecordingOutput();
    const exitCode = await main(["node", "ecom", "check", "--warehouse", "bigquery", "--project-dir", projectDir], output);
    return { exitCode, output };
  }

  it("fails naming each broken model, ZetaSQL's message and the line of SQL", async () => {
    const { exitCode, output } = await check();
    assert.equal(exitCode, 1, output.text);
    const failures = output.lines.filter((line) => line.startsWith("FAILED") || line.startsWith("    "));
    assert.deepEqual(failures.sort(), [
      'FAILED  shop.broken_cast (definitions/broken_cast.sqlx), create table, line 3: Syntax error: Expected end of input but got ":" [at 3:16]\n    3 | SELECT order_id::INT AS id',
      "FAILED  shop.broken_column (definitions/broken_column.sqlx), create table, line 3: Unrecognized name: lifetime_value [at 3:18]\n    3 | SELECT customer, lifetime_value",
      "FAILED  shop.broken_function (definitions/broken_function.sqlx), create view, line 3: Function not found: NOSUCH_FUNCTION [at 3:18]\n    3 | SELECT order_id, NOSUCH_FUNCTION(amount) AS rounded",
    ]);
    assert.match(output.text, /^GoogleSQL check: 12 statements of 7 actions and scripts analyzed by ZetaSQL, 3 failed \(\d+\.\ds\)\.$/m);
  });

  it("says which declaration has no column types", async () => {
    const { output } = await check();
    assert.ok(
      output.lines.includes('note: declaration source.legacy_orders has no column types; give each column the tag "type:<BigQuery type>" so queries on it can be checked.'),
      output.text
    );
  });

  it("passes once the broken models are gone, the incremental MERGE and its DECLARE included", async () => {
    for (const name of ["broken_cast", "broken_column", "broken_function"]) fs.rmSync(path.join(projectDir, "definitions", `${name}.sqlx`));
    const { exitCode, output } = await check();
    assert.equal(exitCode, 0, output.text);
    // customer_totals (1) and its two built-in assertions (view + count each: 4); daily_orders first built
    // (DECLARE, create) and merged (DECLARE, merge): 4.
    assert.match(output.text, /^GoogleSQL check: 9 statements of 4 actions and scripts analyzed by ZetaSQL, all analyze cleanly \(\d+\.\ds\)\.$/m);
  });
});
