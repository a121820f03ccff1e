import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../scripts/paths";

/**
 * Copies a Dataform project from test/fixtures into `into`, with @dataform/core beside it. The
 * Dataform CLI compiles a project only with core installed in the project's own node_modules (its
 * sandbox refuses a symlink that leads outside), so core is copied, not linked.
 */
export function copyFixtureProject(name: string, into: string): string {
  const projectDir = path.join(into, name);
  fs.cpSync(path.join(PROJECT_ROOT, "test", "fixtures", name), projectDir, { recursive: true });
  fs.cpSync(path.join(PROJECT_ROOT, "node_modules", "@dataform", "core"), path.join(projectDir, "node_modules", "@dataform", "core"), {
    recursive: true,
  });
  return projectDir;
}
