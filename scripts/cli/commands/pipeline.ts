import type { Output } from "../../output";
import { runOnBigQuery } from "../bigquery-run";
import { loadOptions, type PipelineFlags } from "../flags";
import { ensureSample, runAndSummarise } from "../local-run";
import { resolveSources } from "../sources";

/**
 * `ecom pipeline`: land the sources (a generated sample when none is named), run the graph, print the
 * summary and write the dashboard; with `--warehouse bigquery`, load jobs and the official
 * `dataform run`. Returns the exit code.
 */
export async function pipelineCommand(flags: PipelineFlags, output: Output): Promise<number> {
  if (flags.warehouse === "bigquery") return runOnBigQuery(flags, output);
  const sources = flags.source ? resolveSources(flags.source) : [await ensureSample(flags.rows, flags.seed, output)];
  return runAndSummarise(sources, flags, output, { ...loadOptions(flags), verbose: flags.verbose ?? false }, { dashboard: true });
}
