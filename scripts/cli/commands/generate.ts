import { UsageError } from "../../errors";
import { formatCount } from "../../format";
import { MAX_COPIES, repeatDataset } from "../../generate/repeat-dataset";
import { generateSampleCsv } from "../../generate/sample-data";
import type { Output } from "../../output";

export interface GenerateFlags {
  rows: number;
  seed: number;
  out: string;
  /** A real export to repeat instead of generating the sample. */
  from?: string;
  copies?: number;
  /** The sample's options given on the command line rather than defaulted (--rows, --seed): they clash with --from. */
  typed?: string[];
}

/**
 * `ecom generate`: write the deterministic synthetic Online Retail file, or with --from a real
 * export repeated --copies times, and say what it holds.
 */
export async function generateCommand(flags: GenerateFlags, output: Output): Promise<number> {
  if (flags.from !== undefined) return repeatCommand(flags, flags.from, output);
  if (flags.copies !== undefined) {
    throw new UsageError("--copies repeats a real export: give the file with --from FILE (without --from, generate writes the synthetic sample).");
  }
  const stats = await generateSampleCsv({ rows: flags.rows, seed: flags.seed, out: flags.out });
  output.result(
    `Wrote ${formatCount(stats.rows)} lines to ${flags.out} (${formatCount(stats.untypeableLines)} deliberately untypeable, ` +
      `${formatCount(stats.linesWithoutCustomer)} without customer, ${formatCount(stats.cancellationLines)} cancellations, ` +
      `${stats.firstDate} to ${stats.lastDate}).`
  );
  return 0;
}

/** `ecom generate --from FILE --copies N`. Ctrl-C removes the partial file (hundreds of MB) and exits 130. */
async function repeatCommand(flags: GenerateFlags, from: string, output: Output): Promise<number> {
  const clash = flags.typed?.[0];
  if (clash !== undefined) {
    throw new UsageError(`${clash} is for the synthetic sample; with --from the lines are the file's own, and --copies N sets the size.`);
  }
  if (flags.copies === undefined) throw new UsageError(`--from needs --copies N: how many times to repeat the file (1 to ${MAX_COPIES}).`);
  const interrupt = new AbortController();
  const onInterrupt = () => interrupt.abort();
  process.once("SIGINT", onInterrupt);
  try {
    const stats = await repeatDataset({ source: from, copies: flags.copies, out: flags.out, signal: interrupt.signal });
    const copies = stats.copies === 1 ? `1 copy of ${from}` : `${formatCount(stats.copies)} copies of ${from}, each with its own invoices and customers`;
    output.result(`Wrote ${formatCount(stats.lines)} lines to ${flags.out} (${copies}).`);
    return 0;
  } catch (error) {
    if (!interrupt.signal.aborted) throw error;
    output.info(`Interrupted (Ctrl-C): ${flags.out} was not written, and the partial file is removed.`);
    return 130;
  } finally {
    process.removeListener("SIGINT", onInterrupt);
  }
}
