import { spawn } from "node:child_process";
import { DataformRunError } from "./errors";

/**
 * The one place the official Dataform CLI (@dataform/cli) is started: `dataform run` on BigQuery
 * (scripts/cloud/dataform-run.ts) and the tests' workspace compiles use it, and the compile
 * fallback (scripts/dataform/compile.ts) can: `runDataformCli({ args: ["compile", dir, "--json",
 * ...], cwd })` gives the exit code and the whole output.
 */

/** The installed CLI's script, run with this Node rather than through npx (no shell, no lookup). */
export function dataformCliPath(): string {
  try {
    return require.resolve("@dataform/cli/bundle.js");
  } catch (error) {
    throw new DataformRunError("The Dataform CLI (@dataform/cli) is not installed: run `npm install`.", { cause: error });
  }
}

export interface DataformCliOptions {
  /** The CLI's arguments: `["run", projectDir, "--tags", "dwh"]`. */
  args: string[];
  /** The directory it runs in (the project's). */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Default: the installed CLI; tests give a stand-in script. */
  cliPath?: string;
  /** "inherit" lets the CLI read this terminal (as `dataform run` may); default "ignore". */
  stdin?: "inherit" | "ignore";
  /** Each chunk of output as it arrives, for a caller that streams it. */
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
}

export interface DataformCliResult {
  /** The exit code; 1 when the CLI was killed by a signal. */
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node <cli> ARGS...` in `cwd` and resolves when it exits, with its code and its whole output. */
export function runDataformCli(options: DataformCliOptions): Promise<DataformCliResult> {
  const cliPath = options.cliPath ?? dataformCliPath();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...options.args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.stdin ?? "ignore", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => {
      stdout.push(chunk);
      options.onStdout?.(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr.push(chunk);
      options.onStderr?.(chunk);
    });
    child.on("error", (error) => reject(new DataformRunError(`Could not start the Dataform CLI (${cliPath}): ${error.message}`, { cause: error })));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") }));
  });
}
