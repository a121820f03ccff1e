import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../scripts/cli/main";
import { RecordingOutput } from "../../scripts/output";
import { compileProject } from "../../scripts/dataform/compile";
import { PROJECT_ROOT } from "../../scripts/paths";
import { copyFixtureProject } from "../support/fixture-project";
import { makeTempDir } from "../support/temp";

async function ecom(...args: string[]): Promise<{ exitCode: number; output: RecordingOutput }> {
  const output = new RecordingOutput();
  const exitCode = await main(["node", "ecom", ...args], output);
  return { exitCode, output };
}

describe("ecom test --warehouse bigquery: Dataform unit tests in BigQuery's dialect on ZetaSQL", function () {
  this.timeout(120_000);

  it("passes the project's unit tests", async () => {
    const { exitCode, output } = await ecom("test", "--warehouse", "bigquery", "--project-dir", PROJECT_ROOT);
    assert.equal(exitCode, 0, output.text);
    // Which tests the project has is pinned by test/dataform/compile.test.ts; here, each of them passes.
    const { graph } = await compileProject({ projectDir: PROJECT_ROOT, vars: { dialect: "bigquery" } });
    const names = (graph.tests ?? []).map((test) => test.name);
    assert.ok(names.length >= 2);
    assert.deepEqual(output.lines, [...names.map((name) => `passed  ${name}`), `${names.length} passed, 0 failed`]);
  });

  describe("on the runner's fixture project", () => {
    const temp = makeTempDir("ecom-bq-unit");
    const projectDir = copyFixtureProject("runner-project", temp.dir);
    const testFile = path.join(projectDir, "definitions", "tests", "events_clean_upper_cases_kinds.sqlx");
    const original = fs.readFileSync(testFile, "utf8");
    afterEach(() => fs.writeFileSync(testFile, original));
    after(() => temp.remove());

    it("passes a test whose expectation holds", async () => {
      const { exitCode, output } = await ecom("test", "--warehouse", "bigquery", "--project-dir", projectDir);
      assert.equal(exitCode, 0, output.text);
      assert.deepEqual(output.lines, ["passed  events_clean_upper_cases_kinds", "1 passed, 0 failed"]);
    });

    it("fails a broken expectation with the same row-by-row diff as on DuckDB", async () => {
      fs.writeFileSync(testFile, original.replace("2, 'BUY', 7", "2, 'SELL', 7"));
      const { exitCode, output } = await ecom("test", "--warehouse", "bigquery", "--project-dir", projectDir);
      assert.equal(exitCode, 1);
      assert.deepEqual(output.lines, [
        "FAILED  events_clean_upper_cases_kinds",
        '    - expected, not produced: amount="7", id="2", kind="SELL", updated_at="2026-01-02 00:00:00"',
        '    + produced, not expected: amount="7", id="2", kind="BUY", updated_at="2026-01-02 00:00:00"',
        "0 passed, 1 failed",
      ]);
    });

    it("reports a query BigQuery would refuse as a failed test, with ZetaSQL's message", async () => {
      fs.writeFileSync(testFile, original.replace("SELECT 1 AS id, 'CLICK'", "SELECT 1::INT64 AS id, 'CLICK'"));
      const { exitCode, output } = await ecom("test", "--warehouse", "bigquery", "--project-dir", projectDir);
      assert.equal(exitCode, 1);
      assert.equal(output.lines[0], "FAILED  events_clean_upper_cases_kinds");
      assert.match(output.lines[1] ?? "", /^ {4}query failed: Syntax error: .* got ":"/);
    });
  });
});
