#!/usr/bin/env node
// Entry point of the `ecom` command. The TypeScript tooling runs from its build in dist/, so the
// command starts in a fraction of a second. No install script builds it: Google's Dataform service
// installs this repository's package.json for every workspace and compilation, with scripts ignored
// and possibly without dev dependencies, so `npm install` must not depend on building anything.
// Instead, the first run builds dist/ with tsc (a few seconds, said once on stderr). When a source
// file is newer than the build (you are editing the tooling), it runs the sources through ts-node
// instead, transpile-only: type-checking is `npm test`'s job, not every command's.
"use strict";
const childProcess = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const dist = path.join(root, "dist");
const builtEntry = path.join("scripts", "cli", "main.js");

/** @param {string} directory */
function newestSourceTime(directory) {
  let newest = 0;
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceTime(full));
    else if (/\.(ts|js)$/.test(entry.name)) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function buildIsCurrent() {
  const built = path.join(dist, builtEntry);
  if (!fs.existsSync(built)) return false;
  const builtAt = fs.statSync(built).mtimeMs;
  return ["scripts", "includes"].every((directory) => newestSourceTime(path.join(root, directory)) <= builtAt);
}

/**
 * The module of a dev dependency, or undefined when dev dependencies were not installed.
 * @param {string} request
 */
function resolveDev(request) {
  try {
    return require.resolve(request, { paths: [root] });
  } catch {
    return undefined;
  }
}

/** @returns {never} */
function missingToolchain() {
  console.error(
    "ecom: the tooling's dependencies are not installed (TypeScript, the Dataform CLI, DuckDB...): run `npm install` here " +
      "(without --omit=dev; the production install holds only @dataform/core, for Google's Dataform service)."
  );
  process.exit(1);
}

/**
 * Builds dist/ into a folder of its own, then moves it into place, so a command started meanwhile
 * never sees half a build. tsc exits 2 when it emitted despite type errors (someone is mid-edit):
 * the build still runs, and `npm test` reports the errors.
 */
function buildOnce() {
  const tsc = resolveDev("typescript/bin/tsc");
  if (!tsc) missingToolchain();
  console.error("ecom: first run, building the tooling into dist/ with tsc (once; a few seconds)...");
  const staging = `${dist}.build-${process.pid}`;
  const result = childProcess.spawnSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.build.json"), "--outDir", staging], {
    cwd: root,
    encoding: "utf8",
  });
  const emitted = fs.existsSync(path.join(staging, builtEntry));
  // Another command may have finished its own first build meanwhile: keep that one.
  if (emitted && !fs.existsSync(dist)) fs.renameSync(staging, dist);
  fs.rmSync(staging, { recursive: true, force: true });
  if (!emitted) console.error(`ecom: tsc could not build the tooling (exit ${result.status}); running from the sources instead.\n${result.stdout}${result.stderr}`);
  return emitted;
}

let entry = path.join(dist, builtEntry);
let current = buildIsCurrent();
if (!current && !fs.existsSync(entry)) current = buildOnce() && buildIsCurrent();
if (!current) {
  const tsNode = resolveDev("ts-node");
  if (!tsNode) missingToolchain();
  require(tsNode).register({ project: path.join(root, "tsconfig.json"), transpileOnly: true });
  entry = path.join(root, "scripts", "cli", "main.ts");
}

/** @type {{ main: (argv: string[]) => Promise<number> }} */
const cli = require(entry);

cli.main(process.argv).then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error) => {
    // main() handles every expected failure; reaching here is a bug, so show everything.
    console.error(error);
    process.exitCode = 70;
  }
);
