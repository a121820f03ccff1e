import { lookerStudioLink } from "../../dashboard/looker-link";
import type { Output } from "../../output";
import { cloudConfig, type CloudFlags } from "../flags";

export type LookerLinkFlags = Pick<CloudFlags, "projectDir" | "project"> & { reportName?: string };

/** `ecom looker-link`: print the Looker Studio link that creates a report on the `dashboard` tables. */
export function lookerLinkCommand(flags: LookerLinkFlags, output: Output): number {
  output.result(lookerStudioLink(cloudConfig(flags), flags.reportName ? { reportName: flags.reportName } : {}));
  return 0;
}
