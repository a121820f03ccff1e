import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import type { CompiledGraph } from "../../scripts/dataform/compiled-graph";
import { PROJECT_ROOT } from "../../scripts/paths";

/** The Dataform CLI installed in this tree (a dev dependency), run directly rather than through npx. */
export const DATAFORM_CLI = path.join(PROJECT_ROOT, "node_modules", "@dataform", "cli", "bundle.js");

/**
 * `dataform compile PROJECT --json ARGS...`, as a workspace or release configuration would compile
 * it (e.g. `--schema-suffix=dev`), failing the test on a compilation error.
 */
export function dataformCompile(projectDir: string, args: string[] = []): CompiledGraph {
  const result = spawnSync(process.execPath, [DATAFORM_CLI, "compile", projectDir, "--json", ...args], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  assert.equal(result.status, 0, `dataform compile ${args.join(" ")} of ${projectDir} failed:\n${result.stderr}`);
  const graph = JSON.parse(result.stdout) as CompiledGraph & { graphErrors?: { compilationErrors?: unknown[] } };
  assert.deepEqual(graph.graphErrors?.compilationErrors ?? [], [], "compilation errors");
  return graph;
}
