import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomically } from "../atomic-write";
import { runDataformCli, type DataformCliResult } from "../dataform-cli";
import { CompileError, UsageError } from "../errors";
import type { CompiledGraph } from "./compiled-graph";
import { compileInProcess } from "./in-process-compile";
import { secondsSince, startTimer } from "../timing";

export interface CompileOptions {
  /** The Dataform project directory (holds workflow_settings.yaml). */
  projectDir: string;
  /** Vars passed with --vars; they override workflow_settings.yaml's. */
  vars: Record<string, string>;
  /** Reuse an earlier compile of identical inputs (default true). */
  useCache?: boolean;
}

export interface CompileResult {
  graph: CompiledGraph;
  /** True when the graph came from the cache and `dataform compile` did not run. */
  cached: boolean;
  seconds: number;
  /** How it was compiled: in this process, or by spawning the Dataform CLI (when in-process failed). */
  compiler?: "in-process" | "cli";
}

/** What makes a compile differ: the project's sources, settings, core version and vars. */
const PROJECT_INPUTS = ["definitions", "includes", "workflow_settings.yaml", "package.json"];

/**
 * Compiles a Dataform project into exactly the graph the official CLI's `dataform compile --json`
 * prints, so the local runner executes the graph that BigQuery users get: in this process with the
 * project's @dataform/core (in-process-compile.ts, a fraction of a second), or, should that fail, by
 * spawning the CLI (seconds), saying why once. Results are cached by the content of the project's
 * inputs, because most runs change only data.
 */
export async function compileProject(options: CompileOptions): Promise<CompileResult> {
  const started = startTimer();
  const projectDir = path.resolve(options.projectDir);
  if (!fs.existsSync(path.join(projectDir, "workflow_settings.yaml"))) {
    throw new CompileError(`${projectDir} is not a Dataform project: it has no workflow_settings.yaml.`);
  }
  const varsArgument = formatVars(options.vars);
  const cacheFile = path.join(projectDir, ".ecom-cache", "compile", `${compileKey(projectDir, varsArgument)}.json`);
  const useCache = options.useCache ?? true;
  if (useCache && fs.existsSync(cacheFile)) {
    const graph = JSON.parse(fs.readFileSync(cacheFile, "utf8")) as CompiledGraph;
    return { graph, cached: true, seconds: secondsSince(started) };
  }
  const { graph, compiler } = await compileGraph(projectDir, options.vars, varsArgument);
  // Whole or not at all, so a killed compile never leaves a truncated cache entry.
  writeFileAtomically(cacheFile, JSON.stringify(graph), "the compile cache");
  return { graph, cached: false, seconds: secondsSince(started), compiler };
}

let fallbackExplained = false;

async function compileGraph(projectDir: string, vars: Record<string, string>, varsArgument: string): Promise<{ graph: CompiledGraph; compiler: "in-process" | "cli" }> {
  let graph: CompiledGraph;
  try {
    // In the order --vars carries them (formatVars sorts), since core keeps the vars' order in the graph.
    const sorted = Object.fromEntries(Object.keys(vars).sort().map((key) => [key, vars[key] ?? ""]));
    graph = compileInProcess(projectDir, sorted).graph;
  } catch (error) {
    // The CLI compiles the same project the slow way, and reports in its own words what is wrong.
    if (!fallbackExplained) {
      fallbackExplained = true;
      const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
      process.stderr.write(`Could not compile the Dataform project in this process (${reason}); compiling with the Dataform CLI instead, which is slower.\n`);
    }
    return { graph: await runDataformCompile(projectDir, varsArgument), compiler: "cli" };
  }
  checkGraphErrors(graph, projectDir);
  return { graph, compiler: "in-process" };
}

/** `--vars=a=1,b=2`, refusing values the CLI's syntax cannot carry. */
export function formatVars(vars: Record<string, string>): string {
  const pairs = Object.keys(vars)
    .sort()
    .map((key) => {
      const value = vars[key] ?? "";
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new UsageError(`Var name ${JSON.stringify(key)} is not a valid identifier.`);
      if (/[,=]/.test(value)) throw new UsageError(`Var ${key}=${JSON.stringify(value)}: values may not contain "," or "=".`);
      return `${key}=${value}`;
    });
  return pairs.join(",");
}

/** Parses `a=1,b=2` as given on the command line. */
export function parseVars(text: string | undefined): Record<string, string> {
  const vars: Record<string, string> = {};
  if (!text) return vars;
  for (const pair of text.split(",")) {
    const separator = pair.indexOf("=");
    if (separator <= 0) throw new UsageError(`--vars expects key=value pairs separated by commas; got ${JSON.stringify(pair)}.`);
    vars[pair.slice(0, separator).trim()] = pair.slice(separator + 1).trim();
  }
  return vars;
}

function compileKey(projectDir: string, varsArgument: string): string {
  const hash = createHash("sha256");
  hash.update(`vars:${varsArgument}\n`);
  hash.update(`core:${installedVersion(projectDir, "@dataform/core")}\ncli:${installedVersion(projectDir, "@dataform/cli")}\n`);
  for (const input of PROJECT_INPUTS) {
    for (const file of listFiles(path.join(projectDir, input))) {
      hash.update(`file:${path.relative(projectDir, file)}\n`);
      hash.update(fs.readFileSync(file));
    }
  }
  return hash.digest("hex").slice(0, 32);
}

function listFiles(entry: string): string[] {
  if (!fs.existsSync(entry)) return [];
  if (!fs.statSync(entry).isDirectory()) return [entry];
  return fs
    .readdirSync(entry)
    .sort()
    .flatMap((child) => listFiles(path.join(entry, child)));
}

function installedVersion(projectDir: string, packageName: string): string {
  try {
    const manifest = require.resolve(`${packageName}/package.json`, { paths: [projectDir, __dirname] });
    return (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version;
  } catch {
    return "missing";
  }
}

async function runDataformCompile(projectDir: string, varsArgument: string): Promise<CompiledGraph> {
  const args = ["compile", projectDir, "--json"];
  if (varsArgument) args.push(`--vars=${varsArgument}`);
  let cli: DataformCliResult;
  try {
    cli = await runDataformCli({ args, cwd: projectDir });
  } catch (error) {
    // Said as a compile failure: a missing or unstartable CLI is why this project did not compile.
    throw new CompileError(`Could not compile ${projectDir} with the Dataform CLI: ${(error as Error).message}`, { cause: error });
  }
  const { code, stdout, stderr } = cli;
  let graph: CompiledGraph;
  try {
    graph = JSON.parse(stdout) as CompiledGraph;
  } catch (error) {
    throw new CompileError(
      `dataform compile failed (exit ${code}) for ${projectDir}:\n${(stderr || stdout).trim().slice(0, 4000)}`,
      { cause: error }
    );
  }
  checkGraphErrors(graph, projectDir);
  if (code !== 0) throw new CompileError(`dataform compile exited ${code} for ${projectDir}:\n${stderr.trim().slice(0, 4000)}`);
  return graph;
}

/** A graph with compilation errors (a bad var, a broken SQLX file) fails the compile, naming each. */
function checkGraphErrors(graph: CompiledGraph, projectDir: string): void {
  const errors = graph.graphErrors?.compilationErrors ?? [];
  if (errors.length > 0) {
    const details = errors.map((error) => `- ${error.fileName ?? error.actionName ?? "(project)"}: ${error.message ?? error.stack ?? "unknown error"}`);
    throw new CompileError(`dataform compile found ${errors.length} error(s) in ${projectDir}:\n${details.join("\n")}`);
  }
}
