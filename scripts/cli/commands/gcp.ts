import { createBigQuery } from "../../cloud/bigquery-loader";
import { createStorage } from "../../cloud/gcs";
import { resolveCompileSettings, resolveScheduleSettings, runCompile, runSchedule, type ScheduleFlags } from "../../cloud/schedule";
import { runSetup } from "../../cloud/setup";
import type { Output } from "../../output";
import { cloudConfig, type CloudFlags } from "../flags";

export type GcpSetupFlags = CloudFlags & { dryRun: boolean; serviceAccount?: string };

/** `ecom gcp setup`: create the bucket and the datasets when missing; print the roles Dataform needs. */
export async function gcpSetupCommand(flags: GcpSetupFlags, output: Output): Promise<number> {
  const config = cloudConfig(flags);
  await runSetup({
    config,
    clients: { storage: createStorage(config), bigquery: createBigQuery(config) },
    dryRun: flags.dryRun,
    output,
    ...(flags.serviceAccount ? { serviceAccount: flags.serviceAccount } : {}),
  });
  return 0;
}

export type GcpScheduleFlags = CloudFlags & ScheduleFlags & { dryRun: boolean };

/** `ecom gcp schedule`: create or update the Dataform release and workflow configurations. */
export async function gcpScheduleCommand(flags: GcpScheduleFlags, output: Output): Promise<number> {
  const config = cloudConfig(flags);
  await runSchedule({ config, settings: resolveScheduleSettings(config, flags), dryRun: flags.dryRun, output });
  return 0;
}

export type GcpCompileFlags = CloudFlags & { repository?: string; region?: string; gitCommitish?: string };

/** `ecom gcp compile`: have Google's Dataform compile a branch or commit; its compilation errors fail it. */
export async function gcpCompileCommand(flags: GcpCompileFlags, output: Output): Promise<number> {
  const config = cloudConfig(flags);
  await runCompile({ config, settings: resolveCompileSettings(config, flags), output });
  return 0;
}
