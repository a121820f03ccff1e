import { EcomError } from "./errors";

/**
 * A count of 1 or more from an environment variable (ECOM_DUCKDB_THREADS, ECOM_CONCURRENT_ACTIONS):
 * undefined when the variable is unset or blank, so `VAR= ecom ...` means the default, as it does
 * for the other ECOM_ settings; blanks around the digits are ignored; anything else is refused,
 * naming the variable, what it holds and what it counts.
 * @param what the plural noun the count is of, e.g. "threads"
 * @param hint said after the expectation, e.g. "(1 runs one action at a time)"
 */
export function countFromEnv(env: NodeJS.ProcessEnv, name: string, what: string, hint = ""): number | undefined {
  const value = env[name];
  if (value === undefined || value.trim() === "") return undefined;
  if (!/^[1-9][0-9]*$/.test(value.trim())) {
    throw new EcomError(`${name}=${JSON.stringify(value)}: expected a whole number of ${what}, 1 or more${hint ? ` ${hint}` : ""}.`);
  }
  return Number(value.trim());
}
