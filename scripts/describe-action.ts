import type { ActionResult } from "./runner/duckdb-runner";
import { formatCount } from "./format";

/** The progress line(s) for one finished action; a failed assertion also shows its first rows. */
export function describeAction(result: ActionResult, done: number, total: number): string[] {
  const width = String(total).length;
  const counter = `[${String(done).padStart(width)}/${total}]`;
  const status = { succeeded: "ok     ", failed: "FAILED ", skipped: "skipped" }[result.status];
  const details: string[] = [];
  if (result.kind !== "assertion" && result.rows !== undefined) details.push(`${formatCount(result.rows)} rows`);
  if (result.rebuiltForColumns) details.push(`rebuilt: the table lacked its model's new column(s) ${result.rebuiltForColumns.join(", ")}`);
  else if (result.mode) details.push(result.mode === "incremental" ? "merged" : "rebuilt");
  if (result.skippedBecause) details.push(`because ${result.skippedBecause} did not succeed`);
  if (result.retriedAlone) {
    const threads = result.retriedAlone.threads === 1 ? "one thread" : `${result.retriedAlone.threads} threads`;
    details.push(`second try, alone on ${threads}: the first ran out of memory after ${result.retriedAlone.firstTrySeconds.toFixed(2)}s`);
  }
  const lines = [
    `${counter} ${status} ${result.kind.padEnd(11)} ${result.name}  ${result.seconds.toFixed(2)}s${details.length ? `  (${details.join(", ")})` : ""}`,
  ];
  if (result.status === "failed") {
    if (result.kind === "assertion" && result.rows !== undefined) {
      lines.push(`    assertion ${result.name} failed: ${formatCount(result.rows)} row(s). First rows:`);
      for (const row of result.sample ?? []) lines.push(`      ${JSON.stringify(row)}`);
    } else if (result.error) {
      lines.push(...result.error.split("\n").map((line) => `    ${line}`));
    }
  }
  return lines;
}
