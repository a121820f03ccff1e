#!/usr/bin/env node
// Entry point of the `ecom` command. `npm install` builds the TypeScript tooling into dist/ (the
// `prepare` script), so the command starts in a fraction of a second. When a source file is newer
// than that build (you are editing the tooling), it runs the sources through ts-node instead,
// transpile-only: type-checking is `npm test`'s job, not every command's.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const built = path.join(root, "dist", "scripts", "cli", "main.js");

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
  if (!fs.existsSync(built)) return false;
  const builtAt = fs.statSync(built).mtimeMs;
  return ["scripts", "includes"].every((directory) => newestSourceTime(path.join(root, directory)) <= builtAt);
}

let entry = built;
if (!buildIsCurrent()) {
  require("ts-node").register({ project: path.join(root, "tsconfig.json"), transpileOnly: true });
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
