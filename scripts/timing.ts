/** A monotonic start mark, for measuring how long something took. */
export function startTimer(): bigint {
  return process.hrtime.bigint();
}

/** Seconds elapsed since a mark from startTimer(). */
export function secondsSince(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}
