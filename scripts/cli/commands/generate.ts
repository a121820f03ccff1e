import { formatCount } from "../../format";
import { generateSampleCsv } from "../../generate/sample-data";
import type { Output } from "../../output";

export interface GenerateFlags {
  rows: number;
  seed: number;
  out: string;
}

/** `ecom generate`: write the deterministic synthetic Online Retail file and say what it holds. */
export async function generateCommand(flags: GenerateFlags, output: Output): Promise<number> {
  const stats = await generateSampleCsv({ rows: flags.rows, seed: flags.seed, out: flags.out });
  output.result(
    `Wrote ${formatCount(stats.rows)} lines to ${flags.out} (${formatCount(stats.untypeableLines)} deliberately untypeable, ` +
      `${formatCount(stats.linesWithoutCustomer)} without customer, ${formatCount(stats.cancellationLines)} cancellations, ` +
      `${stats.firstDate} to ${stats.lastDate}).`
  );
  return 0;
}
