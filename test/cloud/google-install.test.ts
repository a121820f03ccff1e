import { strict as assert } from "node:assert";
import { execFileSync, spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { CompiledGraph } from "../../scripts/dataform/compiled-graph";
import { PROJECT_ROOT } from "../../scripts/paths";
import { dataformCompile } from "../support/dataform-cli";
import { makeTempDir } from "../support/temp";

/**
 * What Google's Dataform service installs: the root package.json, for every workspace and every
 * release compilation, with scripts ignored and possibly without dev dependencies. It must hold
 * @dataform/core alone, pinned, and install and compile that way. The tooling (`ecom`) must then
 * build itself on first use, since no install script does.
 */

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
}

interface LockFile {
  packages: Record<string, { version?: string; dev?: boolean; dependencies?: Record<string, string>; devDependencies?: Record<string, string> }>;
}

const CORE_VERSION = "3.0.62";
/** The scripts npm runs by itself on install (npm's lifecycle), which an install with --ignore-scripts or without dev dependencies would break. */
const LIFECYCLE_SCRIPTS = ["preinstall", "install", "postinstall", "prepublish", "preprepare", "prepare", "postprepare", "dependencies"];
const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, "utf8")) as T;

/** The working tree as a commit of it would hold it: tracked and untracked files, ignored ones left out. */
function copyWorkingTree(into: string): void {
  const listed = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: PROJECT_ROOT, encoding: "utf8" });
  for (const file of listed.split("\0").filter(Boolean)) {
    const from = path.join(PROJECT_ROOT, file);
    if (!fs.existsSync(from)) continue; // deleted in the working tree, not yet in the index
    fs.mkdirSync(path.dirname(path.join(into, file)), { recursive: true });
    fs.copyFileSync(from, path.join(into, file));
  }
}

/** Packages installed in node_modules, scoped ones as @scope/name. */
function installedPackages(projectDir: string): string[] {
  const modules = path.join(projectDir, "node_modules");
  const names: string[] = [];
  for (const entry of fs.readdirSync(modules)) {
    if (entry.startsWith(".")) continue; // npm's own bookkeeping (.package-lock.json)
    if (entry.startsWith("@")) for (const scoped of fs.readdirSync(path.join(modules, entry))) names.push(`${entry}/${scoped}`);
    else names.push(entry);
  }
  return names.sort();
}

function directorySize(directory: string): number {
  let bytes = 0;
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    bytes += entry.isDirectory() ? directorySize(full) : fs.statSync(full).size;
  }
  return bytes;
}

/** `dataform compile --json` of a project with the main tree's CLI: the target of every action, and the core version used. */
async function compileTargets(projectDir: string): Promise<{ targets: string[]; coreVersion: string }> {
  const graph = (await dataformCompile(projectDir)) as CompiledGraph & { dataformCoreVersion: string };
  const targets: string[] = [];
  for (const kind of ["tables", "operations", "assertions", "declarations"] as const) {
    for (const action of graph[kind] ?? []) targets.push(`${kind}: ${action.target.schema}.${action.target.name}`);
  }
  for (const test of graph.tests ?? []) targets.push(`tests: ${test.name}`);
  return { targets: targets.sort(), coreVersion: graph.dataformCoreVersion };
}

function npm(args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync("npm", args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false" } });
}

describe("what Google's Dataform service installs (package.json)", function () {
  this.timeout(240_000);
  const manifest = readJson<PackageJson>(path.join(PROJECT_ROOT, "package.json"));
  const lock = readJson<LockFile>(path.join(PROJECT_ROOT, "package-lock.json"));

  it("depends on @dataform/core alone, pinned exactly", () => {
    assert.deepEqual(manifest.dependencies, { "@dataform/core": CORE_VERSION });
  });

  it("pins every dev dependency to an exact version", () => {
    const loose = Object.entries(manifest.devDependencies ?? {}).filter(([, version]) => !EXACT_VERSION.test(version));
    assert.deepEqual(loose, []);
  });

  it("has no lifecycle script, so an install with --ignore-scripts or --omit=dev is the same install", () => {
    assert.deepEqual(LIFECYCLE_SCRIPTS.filter((name) => manifest.scripts?.[name] !== undefined), []);
  });

  it("has a lockfile in step with package.json, in which only @dataform/core is a production package", () => {
    const rootEntry = lock.packages[""];
    assert.deepEqual(rootEntry?.dependencies, manifest.dependencies);
    assert.deepEqual(rootEntry?.devDependencies, manifest.devDependencies);
    const production = Object.entries(lock.packages)
      .filter(([location, entry]) => location !== "" && entry.dev !== true)
      .map(([location, entry]) => `${location}@${entry.version ?? ""}`);
    assert.deepEqual(production, [`node_modules/@dataform/core@${CORE_VERSION}`]);
  });

  describe("npm ci --omit=dev on a copy of this tree (needs the npm registry)", () => {
    const temp = makeTempDir("ecom-omit-dev");
    const projectDir = path.join(temp.dir, "repository");
    let expectedTargets: string[] = [];

    before(async function () {
      const ping = npm(["ping"], temp.dir);
      if (ping.status !== 0) {
        console.log(`      skipped: the npm registry cannot be reached (npm ping: ${(ping.stderr || ping.stdout).trim().split("\n").pop() ?? ""})`);
        this.skip();
      }
      copyWorkingTree(projectDir);
      // The graph as the main tree compiles it, with every dependency installed: the reference.
      expectedTargets = (await compileTargets(PROJECT_ROOT)).targets;
    });
    after(() => temp.remove());

    for (const variant of [[], ["--ignore-scripts"]]) {
      it(`npm ci --omit=dev${variant.map((flag) => ` ${flag}`).join("")} installs only @dataform/core, and the graph compiles from that tree`, async () => {
        const install = npm(["ci", "--omit=dev", ...variant], projectDir);
        assert.equal(install.status, 0, `npm ci failed:\n${install.stderr}`);
        assert.deepEqual(installedPackages(projectDir), ["@dataform/core"]);
        const core = readJson<{ version: string }>(path.join(projectDir, "node_modules", "@dataform", "core", "package.json"));
        assert.equal(core.version, CORE_VERSION);
        const kilobytes = Math.round(directorySize(path.join(projectDir, "node_modules")) / 1024);
        console.log(`      installed: @dataform/core ${core.version}, node_modules ${kilobytes} KB`);
        const compiled = await compileTargets(projectDir);
        assert.equal(compiled.coreVersion, CORE_VERSION);
        assert.deepEqual(compiled.targets, expectedTargets);
      });
    }

    it("there, `ecom` says in one line that the tooling's dependencies are missing", () => {
      const result = spawnSync(process.execPath, [path.join(projectDir, "bin", "ecom.js"), "--help"], { cwd: projectDir, encoding: "utf8" });
      assert.equal(result.status, 1);
      assert.equal(result.stdout, "");
      assert.match(result.stderr, /^ecom: the tooling's dependencies are not installed \(TypeScript, the Dataform CLI, DuckDB\.\.\.\): run `npm install` here/);
      assert.equal(result.stderr.trim().split("\n").length, 1);
    });
  });

  describe("bin/ecom.js on a fresh clone (no dist/)", () => {
    const temp = makeTempDir("ecom-first-run");
    const projectDir = path.join(temp.dir, "repository");
    before(() => {
      copyWorkingTree(projectDir);
      fs.rmSync(path.join(projectDir, "dist"), { recursive: true, force: true });
      // The dev dependencies as `npm install` leaves them; tsc and ts-node follow the link.
      fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(projectDir, "node_modules"), "dir");
    });
    after(() => temp.remove());

    const ecomHelp = () => spawnSync(process.execPath, [path.join(projectDir, "bin", "ecom.js"), "--help"], { cwd: projectDir, encoding: "utf8" });

    it("builds the tooling into dist/ on the first run, saying so once on stderr, and runs from it afterwards", () => {
      const first = ecomHelp();
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stdout, /^Usage: ecom \[options\] \[command\]/);
      assert.equal(first.stderr, "ecom: first run, building the tooling into dist/ with tsc (once; a few seconds)...\n");
      assert.ok(fs.existsSync(path.join(projectDir, "dist", "scripts", "cli", "main.js")));
      const second = ecomHelp();
      assert.equal(second.status, 0, second.stderr);
      assert.equal(second.stderr, "");
      assert.equal(second.stdout, first.stdout);
    });
  });
});
