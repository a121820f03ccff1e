import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { runBenchmark, runIncrementalBenchmark } from "../../scripts/bench";
import { UsageError } from "../../scripts/errors";
import { RecordingOutput } from "../../scripts/output";
import { makeTempDir } from "../support/temp";

describe("ecom bench's sources", () => {
  const temp = makeTempDir("ecom-bench-sources");
  after(temp.remove);

  it("refuses a workbook or zip archive in our words, both benches, before timing anything", async () => {
    // A zip's local file header: what an .xlsx workbook starts with.
    const workbook = path.join(temp.dir, "sales.xlsx");
    fs.writeFileSync(workbook, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00]));
    const expected = (error: unknown) =>
      error instanceof UsageError && error.message === `--source ${workbook} is a workbook or zip archive: the bench times CSV files (plain or gzip), because its floor is DuckDB reading a CSV. Save the sheet as CSV and bench on that.`;
    const output = new RecordingOutput();
    await assert.rejects(runBenchmark({ rows: 10, seed: 1, source: workbook, workDir: path.join(temp.dir, "work"), output }), expected);
    await assert.rejects(runIncrementalBenchmark({ source: workbook, workDir: path.join(temp.dir, "work"), output }), expected);
    assert.deepEqual(output.lines, []);
  });
});
