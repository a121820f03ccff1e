import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { ProjectRequire } from "../../scripts/dataform/project-require";
import { makeTempDir } from "../support/temp";

describe("a Dataform project's require, in a vm context (ProjectRequire)", () => {
  const temp = makeTempDir("ecom-project-require");
  after(temp.remove);
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(temp.dir, file)), { recursive: true });
    fs.writeFileSync(path.join(temp.dir, file), text);
  };
  write("includes/rates.js", "module.exports = { vat: require('./vat').rate, runs: (global.runs = (global.runs || 0) + 1) };");
  write("includes/vat.js", "exports.rate = 0.2;");
  write("definitions/table.sqlx", "SELECT 1");
  write("settings.json", '{ "name": "shop" }');
  write("node_modules/money/package.json", '{ "main": "lib/main.js" }');
  write("node_modules/money/lib/main.js", "module.exports = { join: require('path').join('a', 'b') };");
  write("node_modules/tools/index.js", "module.exports = 'tools';");
  write("includes/reads-files.js", "module.exports = require('fs');");
  // A stand-in for core's compiler: .sqlx becomes JavaScript, .js passes as it is.
  const transform = (code: string, file: string) => (file.endsWith(".sqlx") ? `module.exports = ${JSON.stringify(`compiled: ${code}`)};` : code);
  const files = new ProjectRequire(fs.realpathSync(temp.dir), transform, { marker: "from the host" });
  const root = fs.realpathSync(temp.dir);
  // Objects made in the context have its Object.prototype, not this realm's: compare their contents.
  const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

  it("resolves relative names beside the requiring file and bare ones from the project root, without extensions", () => {
    assert.deepEqual(plain(files.require("includes/rates", root)), { vat: 0.2, runs: 1 });
    assert.equal(files.require("definitions/table.sqlx", root), "compiled: SELECT 1");
    assert.deepEqual(plain(files.require("./settings.json", root)), { name: "shop" });
  });

  it("runs each file once, so every requirer shares its exports", () => {
    const first = files.require("./includes/rates.js", root);
    assert.equal(files.require("includes/rates", path.join(root, "definitions")), first);
    assert.equal((first as { runs: number }).runs, 1);
  });

  it("finds packages in node_modules by their main or index.js, and gives them the path module", () => {
    assert.deepEqual(plain(files.require("money", path.join(root, "includes"))), { join: path.join("a", "b") });
    assert.equal(files.require("tools", root), "tools");
  });

  it("runs every file in one context holding the globals it was given", () => {
    assert.equal((files.context as { marker?: string }).marker, "from the host");
    assert.equal((files.context as { runs?: number }).runs, 1);
  });

  it("refuses built-in modules other than path, and names that resolve to nothing", () => {
    assert.throws(() => files.require("includes/reads-files", root), /Cannot find module 'fs'/);
    assert.throws(() => files.require("./includes/missing", root), /Cannot find module '.\/includes\/missing'/);
  });
});
