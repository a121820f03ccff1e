import * as fs from "node:fs";
import * as path from "node:path";
import * as vm from "node:vm";
import type { CompiledGraph } from "./compiled-graph";
import { ProjectRequire } from "./project-require";

/**
 * Compiles a Dataform project inside this process, the way the Dataform CLI's compile worker does
 * (@dataform/cli's worker_bundle.js, function `compile`): the project's own @dataform/core runs in a
 * vm context whose require passes every .js, .sqlx and .yaml file through core's `compiler`
 * (ProjectRequire: the worker's rules of loading, without vm2's instrumenting of every file), core's
 * `main` gets a base64 CoreExecutionRequest listing the project's files, and its base64
 * CoreExecutionResponse is decoded into the CompiledGraph that `dataform compile --json` prints.
 *
 * Spawning the CLI costs two Node processes (the CLI, then its worker), each loading a 2 MB bundle,
 * and a second sandbox that loads core only to get its compiler; here core is loaded once. The
 * output is the CLI's, byte for byte (test/dataform/compile.test.ts compares them for this project
 * and the fixture projects, both dialects, with vars), so the graph the local runner executes is
 * still the one BigQuery users get.
 */
export interface InProcessCompile {
  graph: CompiledGraph;
  /** The graph as `dataform compile --json` prints it (before its closing newlines). */
  json: string;
}

export function compileInProcess(projectDirectory: string, vars: Record<string, string>): InProcessCompile {
  // Required here, not at the top: only a compile needs them, and every other ecom command starts faster without.
  const { globSync } = require("glob") as typeof import("glob");
  const protobuf = require("protobufjs") as typeof import("protobufjs");

  // The worker resolves the project through symlinks, and core names files relative to that path.
  const projectDir = fs.realpathSync(path.resolve(projectDirectory));
  const coreDir = path.join(projectDir, "node_modules", "@dataform", "core");
  const coreBundlePath = path.join(coreDir, "bundle.js");
  if (!fs.existsSync(coreBundlePath)) throw new Error(`${projectDir} has no @dataform/core in its node_modules`);
  checkCoreMatchesCli(coreDir);

  const fileStack: string[] = [];
  let coreCompiler: ((code: string, filePath: string) => string) | undefined;
  const files = new ProjectRequire(
    projectDir,
    (code, filePath) => {
      // The worker loads core a second time in another sandbox only to take its compiler, which
      // returns .js files unchanged; core's own bundle is the one file loaded before the compiler
      // exists, so it passes as it is, and every later file goes through this core's compiler.
      const compiled = coreCompiler === undefined ? code : coreCompiler(code, filePath);
      return `
        __df_enter(${JSON.stringify(filePath)});
        try {
          ${compiled}
        } finally {
          __df_exit();
        }
      `;
    },
    // The worker's hooks, which tell core which file is being evaluated when a stack trace cannot.
    {
      __df_enter: (file: string) => fileStack.push(file),
      __df_exit: () => fileStack.pop(),
      __df_current: () => (fileStack.length > 0 ? fileStack[fileStack.length - 1] : null),
    }
  );
  const core = () => files.require("@dataform/core", projectDir) as { compiler: (code: string, filePath: string) => string; main: (request: string) => unknown };
  coreCompiler = core().compiler;

  const root = new protobuf.Root();
  // core.proto imports extension.proto and google/protobuf/struct.proto (bundled with protobufjs).
  root.loadSync(path.join(coreDir, "core.proto"));
  const requestType = root.lookupType("dataform.CoreExecutionRequest");
  const responseType = root.lookupType("dataform.CoreExecutionResponse");
  const graphType = root.lookupType("dataform.CompiledGraph");

  // Exactly the CLI's request: the same file list (its glob), the vars as --vars gives them, verbose off.
  const filePaths = Array.from(new Set(globSync("!(node_modules)/**/*.*", { cwd: projectDir })));
  const compileConfig = { filePaths, projectDir, projectConfigOverride: { vars }, verbose: false };
  const requestBytes = requestType.encode(requestType.create({ compile: { compileConfig } })).finish();
  const request = protobuf.util.base64.encode(requestBytes, 0, requestBytes.length);

  vm.runInContext(
    `Object.defineProperty(global, '__dataform_current_file', { configurable: true, get: function() { return __df_current(); } });`,
    files.context
  );
  if (fs.existsSync(path.join(projectDir, "workflow_settings.yaml"))) files.context.workflowSettingsYaml = files.require("./workflow_settings.yaml", projectDir);
  if (fs.existsSync(path.join(projectDir, "dataform.json"))) files.context.dataformJson = files.require("./dataform.json", projectDir);
  const encoded = core().main(request);
  if (typeof encoded !== "string") throw new Error("@dataform/core's main returned no encoded response");
  const bytes = new Uint8Array(protobuf.util.base64.length(encoded));
  protobuf.util.base64.decode(encoded, bytes, 0);
  const response = responseType.decode(bytes) as unknown as { compile?: { compiledGraph?: object } };
  // As the CLI does: CompiledGraph.create of the response's graph, printed through its toJSON.
  const message = graphType.create(response.compile?.compiledGraph ?? {});
  const json = JSON.stringify(message, null, 4);
  return { graph: JSON.parse(json) as CompiledGraph, json };
}

/**
 * The CLI refuses a core of another major version, or older than its own major.minor; so does this,
 * so that the fallback to the CLI reports that in the CLI's words.
 */
function checkCoreMatchesCli(coreDir: string): void {
  const version = (manifest: string) => (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version?: string }).version ?? "0.0.0";
  const core = version(path.join(coreDir, "package.json")).split(".").map(Number);
  const cli = version(require.resolve("@dataform/cli/package.json")).split(".").map(Number);
  const [coreMajor = 0, coreMinor = 0] = core;
  const [cliMajor = 0, cliMinor = 0] = cli;
  if (coreMajor !== cliMajor || coreMinor < cliMinor) {
    throw new Error(`@dataform/core ${core.join(".")} does not match @dataform/cli ${cli.join(".")}`);
  }
}
