import { createBigQuery, loadGcsIntoBigQuery } from "../cloud/bigquery-loader";
import { bigQueryVars, checkCredentialsFile, runDataform } from "../cloud/dataform-run";
import { createStorage, listGcsObjects, type GcsObject } from "../cloud/gcs";
import { requireCloudSettings, type ProjectConfig } from "../config";
import { parseVars } from "../dataform/compile";
import { UsageError } from "../errors";
import { cloudConfig, type LoadFlags, type PipelineFlags } from "./flags";
import { formatCount } from "../format";
import type { Output } from "../output";
import { resolveSources } from "./sources";

/**
 * `ecom pipeline --warehouse bigquery`: the loader's BigQuery path (load jobs from gs://), then the
 * official `dataform run` with the same selection flags, its output streamed and its exit code kept.
 */
export async function runOnBigQuery(options: PipelineFlags, output: Output): Promise<number> {
  if (!options.source) throw new UsageError("--warehouse bigquery needs --source gs://BUCKET/PREFIX/*.csv (the exports to load).");
  const config = cloudConfig(options);
  checkCredentialsFile(options.projectDir);
  const vars = bigQueryVars(config, parseVars(options.vars));
  const sources = resolveSources(options.source);
  if (options.dryRun) {
    refuseLocalSourcesForBigQuery(sources, config);
    const storage = createStorage(config);
    for (const source of sources) for (const object of await listGcsObjects(storage, source)) output.result(`would load ${object.uri} (generation ${object.generation}, ${formatCount(object.size)} bytes)`);
  } else {
    await loadIntoBigQuery(sources, config, options, output);
  }
  const code = await runDataform({
    projectDir: options.projectDir,
    ...(options.actions ? { actions: options.actions } : {}),
    ...(options.tags ? { tags: options.tags } : {}),
    includeDeps: options.includeDeps,
    includeDependents: options.includeDependents,
    fullRefresh: options.fullRefresh,
    runTests: options.runTests,
    vars,
    dryRun: options.dryRun,
    defaultDatabase: config.projectId,
    defaultLocation: config.location,
  });
  return code === 0 ? 0 : 1;
}

function refuseLocalSourcesForBigQuery(sources: string[], config: ProjectConfig): void {
  const local = sources.filter((source) => !source.startsWith("gs://"));
  if (local.length > 0) {
    throw new UsageError(
      `--warehouse bigquery loads from Cloud Storage only, so that no data passes through this machine; ${local.join(", ")} ` +
        `${local.length === 1 ? "is" : "are"} local. Upload ${local.length === 1 ? "it" : "them"} first (gcloud storage cp FILE gs://${config.bucket || "BUCKET"}/${config.prefix}) and load the gs:// URI.`
    );
  }
}

/**
 * The BigQuery target: load jobs straight from the gs:// URIs, so no data passes through this machine.
 * Local files cannot go there directly: they are uploaded to the bucket first.
 */
export async function loadIntoBigQuery(sources: string[], config: ProjectConfig, flags: LoadFlags, output: Output): Promise<void> {
  refuseLocalSourcesForBigQuery(sources, config);
  if (flags.maxBadLines > 0) {
    throw new UsageError(
      "--max-bad-lines is for the DuckDB target: a BigQuery load job would drop bad lines instead of keeping them aside. Fix the file, or load it into DuckDB to see the bad lines."
    );
  }
  if (flags.encoding && flags.encoding !== "utf-8" && flags.encoding !== "latin-1") {
    throw new UsageError(`--encoding ${flags.encoding} is for the DuckDB target; BigQuery load jobs read utf-8 and latin-1 exports. Save the file as UTF-8, or load it into DuckDB.`);
  }
  const encoding = flags.encoding;
  requireCloudSettings(config, ["projectId"]);
  const storage = createStorage(config);
  const bigquery = createBigQuery(config);
  const objects: GcsObject[] = [];
  for (const source of sources) objects.push(...(await listGcsObjects(storage, source)));
  const results = await loadGcsIntoBigQuery(bigquery, storage, objects, {
    config,
    ...(encoding === "utf-8" || encoding === "latin-1" ? { encoding } : {}),
    force: flags.force,
    onProgress: (line) => output.info(line),
  });
  for (const result of results) {
    output.result(`${result.uri}: ${result.status}, ${formatCount(result.rows)} rows (${result.encoding})${result.jobId ? `, load job ${result.jobId}` : ""}`);
  }
}
