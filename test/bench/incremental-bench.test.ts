import { strict as assert } from "node:assert";
import * as path from "node:path";
import { runIncrementalBenchmark } from "../../scripts/bench";
import { compileProject } from "../../scripts/dataform/compile";
import { generateSampleCsv } from "../../scripts/generate/sample-data";
import { RecordingOutput } from "../../scripts/output";
import { PROJECT_ROOT } from "../../scripts/paths";
import { makeTempDir } from "../support/temp";

describe("ecom bench --incremental", function () {
  this.timeout(180000);
  const temp = makeTempDir("ecom-incremental-bench");
  after(temp.remove);

  it("lists the incremental run's ten costliest actions, costliest first, each beside its time in the full rebuild", async () => {
    const source = path.join(temp.dir, "sample.csv");
    await generateSampleCsv({ rows: 3000, seed: 5, out: source });
    const output = new RecordingOutput();
    const figures = await runIncrementalBenchmark({ source, workDir: path.join(temp.dir, "work"), output });

    const heading = output.lines.indexOf("The ten most expensive actions of the incremental run (and in the full rebuild):");
    assert.ok(heading > 0, output.text);
    const listed = output.lines.slice(heading + 1).map((line) => {
      const match = /^ {2}(\S+) +([0-9.]+) s {2}full +([0-9.]+) s$/.exec(line);
      assert.ok(match, `not an action line: ${JSON.stringify(line)}`);
      return { name: match[1] as string, seconds: Number(match[2]) };
    });
    assert.equal(listed.length, 10);
    // Every name is an action of the graph that runs on DuckDB, and none is listed twice.
    const compiled = await compileProject({ projectDir: PROJECT_ROOT, vars: { dialect: "duckdb" } });
    const { tables = [], assertions = [], operations = [] } = compiled.graph;
    const actions = new Set([...tables, ...assertions, ...operations].map((action) => `${action.target.schema}.${action.target.name}`));
    for (const action of listed) assert.ok(actions.has(action.name), `${action.name} is not an action of the graph`);
    assert.equal(new Set(listed.map((action) => action.name)).size, 10);
    const seconds = listed.map((action) => action.seconds);
    assert.deepEqual(seconds, [...seconds].sort((a, b) => b - a));
    assert.equal(figures.ratio, figures.incremental / figures.full);
    // The run with nothing new is printed with its own ratio to the same full rebuild.
    const nothingNew = output.lines.map((line) => /^a run with nothing new, after it +(.*)$/.exec(line)?.[1]).find((value) => value !== undefined);
    assert.equal(nothingNew, `${figures.nothingNew.toFixed(2)} s  (ratio to the full rebuild ${(figures.nothingNew / figures.full).toFixed(2)})`);
  });
});
