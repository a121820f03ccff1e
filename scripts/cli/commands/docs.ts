import * as fs from "node:fs";
import * as path from "node:path";
import { parseVars } from "../../dataform/compile";
import { buildDocs, writeDocsSite } from "../../docs/write-docs";
import { toMermaid } from "../../docs/mermaid";
import { DEFAULT_WAREHOUSE } from "../../paths";
import { secondsSince, startTimer } from "../../timing";
import type { Output } from "../../output";

export interface DocsFlags {
  db?: string;
  out?: string;
  format: "html" | "json" | "mermaid";
  vars?: string;
  projectDir: string;
}

/** Where the docs of a warehouse go by default: beside it, as the dashboard does (`warehouse/ecommerce-docs/`). */
export function docsDirBeside(db: string): string {
  return path.join(path.dirname(db), `${path.basename(db, path.extname(db))}-docs`);
}

/**
 * `ecom docs`: the docs and lineage site of the graph (`--format html`, with docs.json and graph.mmd
 * beside it), or the model as JSON or the graph as Mermaid on stdout. With the default warehouse
 * present, or `--db`, it adds row counts, DuckDB types and the last run.
 */
export async function docsCommand(flags: DocsFlags, output: Output): Promise<number> {
  const started = startTimer();
  const db = flags.db ?? (fs.existsSync(DEFAULT_WAREHOUSE) ? DEFAULT_WAREHOUSE : undefined);
  output.info(`Building the docs of ${flags.projectDir}${db ? ` with the warehouse ${db}` : " (no warehouse: no row counts or run statuses)"}...`);
  const model = await buildDocs({ projectDir: flags.projectDir, vars: parseVars(flags.vars), ...(db ? { db } : {}) });
  if (flags.format === "json") {
    output.result(JSON.stringify(model, null, 2));
    return 0;
  }
  if (flags.format === "mermaid") {
    output.result(toMermaid(model).trimEnd());
    return 0;
  }
  const out = flags.out ?? docsDirBeside(db ?? DEFAULT_WAREHOUSE);
  const { file, bytes } = writeDocsSite(model, out);
  output.result(`Docs: ${file} (${(bytes / 1024 / 1024).toFixed(2)} MB, ${model.actions.length} actions, built in ${secondsSince(started).toFixed(1)}s); docs.json and graph.mmd beside it`);
  return 0;
}
