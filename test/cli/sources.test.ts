import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { resolveSources } from "../../scripts/cli/sources";
import { LoadError } from "../../scripts/errors";
import { makeTempDir } from "../support/temp";

describe("--source paths and patterns (scripts/cli/sources)", () => {
  const temp = makeTempDir("ecom-sources");
  let dir: string;

  before(() => {
    dir = path.join(temp.dir, "exports");
    fs.mkdirSync(path.join(dir, "2010"), { recursive: true });
    for (const name of ["2011-01.csv", "2011-02.csv.gz", "2011-03.xlsx", "2011-04.zip", "2011-05.CSV", "notes.txt", "~$2011-03.xlsx", "2010/old.csv"]) {
      fs.writeFileSync(path.join(dir, name), "");
    }
  });
  after(() => temp.remove());

  const names = (sources: string[]) => sources.map((source) => path.relative(dir, source));

  it("takes *.csv as .csv files only, as gs:// patterns do: not 2011-02.csv.gz, nor the upper-case 2011-05.CSV, nor 2010/old.csv", () => {
    assert.deepEqual(names(resolveSources([path.join(dir, "*.csv")])), ["2011-01.csv"]);
  });

  it("takes plain and gzip-compressed exports with *.{csv,csv.gz} or *.csv*", () => {
    assert.deepEqual(names(resolveSources([path.join(dir, "*.{csv,csv.gz}")])), ["2011-01.csv", "2011-02.csv.gz"]);
    assert.deepEqual(names(resolveSources([path.join(dir, "*.csv*")])), ["2011-01.csv", "2011-02.csv.gz"]);
  });

  it("lets ? stand for one character and keeps only data files, without Excel's lock files", () => {
    assert.deepEqual(names(resolveSources([path.join(dir, "2011-0?.*")])), ["2011-01.csv", "2011-02.csv.gz", "2011-03.xlsx", "2011-04.zip", "2011-05.CSV"]);
  });

  it("takes a directory as the data files directly inside it, sorted", () => {
    assert.deepEqual(names(resolveSources([dir])), ["2011-01.csv", "2011-02.csv.gz", "2011-03.xlsx", "2011-04.zip", "2011-05.CSV"]);
  });

  it("refuses a pattern in a directory name and a pattern that matches nothing, naming the pattern", () => {
    const inDirectory = path.join(temp.dir, "*", "x.csv");
    assert.throws(() => resolveSources([inDirectory]), (error: unknown) => error instanceof LoadError && error.message === `${inDirectory}: wildcards are allowed in the file name only, not in directories.`);
    const nothing = path.join(dir, "*.parquet");
    assert.throws(() => resolveSources([nothing]), (error: unknown) => error instanceof LoadError && error.message === `${nothing}: no .csv, .csv.gz, .xlsx or .zip file matches.`);
  });
});
