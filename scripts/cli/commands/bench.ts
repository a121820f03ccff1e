import * as fs from "node:fs";
import * as path from "node:path";
import { runBenchmark, runIncrementalBenchmark } from "../../bench";
import { generateSampleCsv } from "../../generate/sample-data";
import type { Output } from "../../output";

export interface BenchFlags {
  rows: number;
  seed: number;
  source?: string;
  workDir: string;
  incremental: boolean;
  repeat: number;
  profile?: string;
  minimum: boolean;
}

/** `ecom bench`: time the pipeline against a floor, or an incremental month against a full rebuild. */
export async function benchCommand(flags: BenchFlags, output: Output): Promise<number> {
  if (!flags.incremental) {
    const { profile, ...rest } = flags;
    await runBenchmark({ ...rest, ...(profile !== undefined ? { profileDir: profile } : {}), output });
    return 0;
  }
  const source = flags.source ?? path.join(flags.workDir, `bench-${flags.rows}-seed${flags.seed}.csv`);
  if (!flags.source && !fs.existsSync(source)) await generateSampleCsv({ rows: flags.rows, seed: flags.seed, out: source });
  await runIncrementalBenchmark({ source, workDir: flags.workDir, output });
  return 0;
}
