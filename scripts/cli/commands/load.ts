import { loadSources } from "../../loader/load-sources";
import type { Output } from "../../output";
import { describeLoad } from "../../pipeline";
import { DuckDbWarehouse } from "../../warehouse/duckdb";
import { loadIntoBigQuery } from "../bigquery-run";
import { cloudConfig, loadOptions, type CloudFlags, type LoadFlags } from "../flags";
import { LoadTracker, reportingInterrupts } from "../load-report";
import { loadProgressBar } from "../progress";
import { resolveSources } from "../sources";

export type LoadCommandFlags = LoadFlags & Omit<CloudFlags, "bucket"> & { source: string[]; db: string; warehouse: "duckdb" | "bigquery" };

/**
 * `ecom load`: land every source in the DuckDB warehouse (or BigQuery), one line per file and the
 * totals; exit 1 when a file was refused. Ctrl-C says what landed and what was rolled back.
 */
export async function loadCommand(flags: LoadCommandFlags, output: Output): Promise<number> {
  const sources = resolveSources(flags.source);
  const config = cloudConfig(flags);
  if (flags.warehouse === "bigquery") {
    await loadIntoBigQuery(sources, config, flags, output);
    return 0;
  }
  const warehouse = await DuckDbWarehouse.open(flags.db);
  const progress = loadProgressBar();
  const tracker = new LoadTracker(sources);
  try {
    await reportingInterrupts(
      () => tracker.interrupted(),
      (line) => output.info(line),
      () =>
        loadSources(warehouse, sources, (result) => output.result(describeLoad(result, flags.verbose).trim()), {
          ...loadOptions(flags),
          config,
          onProgress: progress.onProgress,
          onStart: tracker.onStart,
          onResult: tracker.onResult,
        })
    );
  } finally {
    progress.stop();
    warehouse.close();
  }
  if (tracker.results.length > 1 || tracker.refused.length > 0) output.result(tracker.summary());
  return tracker.refused.length > 0 ? 1 : 0;
}
