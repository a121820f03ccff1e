import type { Output } from "../../output";
import type { RunOptions } from "../flags";
import { runAndSummarise } from "../local-run";

/** `ecom run`: compile and run the graph on what the warehouse already holds, as `dataform run` does. */
export async function runCommand(flags: RunOptions, output: Output): Promise<number> {
  return runAndSummarise([], flags, output, {}, { title: "Run" });
}
