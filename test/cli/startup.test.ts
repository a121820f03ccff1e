import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import ExcelJS from "exceljs";

const ROOT = path.join(__dirname, "..", "..");

/**
 * Runs `script` in a fresh Node process (the sources through ts-node, as the tests run them) and
 * returns the libraries it loaded among those that take a noticeable part of a second to load:
 * exceljs and Google's client libraries. Every command would pay for them at its start.
 */
function heavyLibrariesLoadedBy(script: string): string[] {
  const report = `
    const loaded = Object.keys(require.cache)
      .map((file) => /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)[\\\\/]/.exec(file)?.[1]?.replace(/\\\\/g, "/"))
      .filter((name) => name && /^(exceljs|@google-cloud\\/.*|google-auth-library|google-gax)$/.test(name));
    console.log(JSON.stringify([...new Set(loaded)].sort()));`;
  const stdout = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", `(async () => { ${script}; ${report} })()`], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return JSON.parse(stdout.trim().split("\n").pop() ?? "[]") as string[];
}

describe("command start-up", function () {
  this.timeout(60_000);

  it("loads neither exceljs nor Google's client libraries for the command line and a local CSV pipeline", () => {
    const loaded = heavyLibrariesLoadedBy(`
      require("./scripts/cli/main");
      require("./scripts/pipeline");
      require("./scripts/loader/load-sources");`);
    assert.deepEqual(loaded, []);
  });

  it("loads each when it is first needed: a Cloud Storage client, a workbook read", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecom-startup-"));
    try {
      const workbook = new ExcelJS.Workbook();
      workbook.addWorksheet("Sheet1").addRow(["not the Online Retail header"]);
      const file = path.join(dir, "book.xlsx");
      await workbook.xlsx.writeFile(file);
      const loaded = heavyLibrariesLoadedBy(`
        require("./scripts/cloud/gcs").createStorage({ projectId: "p" });
        await require("./scripts/loader/xlsx-reader").extractWorkbook(${JSON.stringify(file)}, "book.xlsx", ${JSON.stringify(dir)});`);
      assert.ok(loaded.includes("@google-cloud/storage"), `loaded: ${loaded.join(", ")}`);
      assert.ok(loaded.includes("exceljs"), `loaded: ${loaded.join(", ")}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
