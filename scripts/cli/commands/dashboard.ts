import { writeDashboard } from "../../dashboard/write-dashboard";
import { formatCount } from "../../format";
import type { Output } from "../../output";

export interface DashboardFlags {
  db: string;
  out: string;
}

/** `ecom dashboard`: write the self-contained dashboard page of a warehouse and say where and how big. */
export async function dashboardCommand(flags: DashboardFlags, output: Output): Promise<number> {
  const { file, bytes } = await writeDashboard(flags);
  output.result(`Dashboard: ${file} (${formatCount(Math.round(bytes / 1024))} KB)`);
  return 0;
}
