import { strict as assert } from "node:assert";
import type { CompiledGraph } from "../../scripts/dataform/compiled-graph";
import { dataformCliPath, runDataformCli } from "../../scripts/dataform-cli";

/** The Dataform CLI installed in this tree (a dev dependency), run directly rather than through npx. */
export const DATAFORM_CLI = dataformCliPath();

/**
 * `dataform compile PROJECT --json ARGS...`, as a workspace or release configuration would compile
 * it (e.g. `--schema-suffix=dev`), failing the test on a compilation error.
 */
export async function dataformCompile(projectDir: string, args: string[] = []): Promise<CompiledGraph> {
  const result = await runDataformCli({ args: ["compile", projectDir, "--json", ...args], cwd: projectDir });
  assert.equal(result.code, 0, `dataform compile ${args.join(" ")} of ${projectDir} failed:\n${result.stderr}`);
  const graph = JSON.parse(result.stdout) as CompiledGraph & { graphErrors?: { compilationErrors?: unknown[] } };
  assert.deepEqual(graph.graphErrors?.compilationErrors ?? [], [], "compilation errors");
  return graph;
}
