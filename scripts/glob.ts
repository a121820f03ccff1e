import picomatch from "picomatch";

/**
 * The one rule for the file patterns `--source` takes, local (`"exports/2011-*.csv"`) and in Cloud
 * Storage (`gs://bucket/raw/*.csv`): picomatch's, as a shell reads a pattern. A pattern matches a
 * whole name; `*` and `?` never cross a `/`; `[abc]` and `{csv,csv.gz}` work; case counts. So
 * `*.csv` takes `.csv` files only: name `.csv.gz` exports with `*.csv.gz`, or both with `*.{csv,csv.gz}`.
 */
export function globMatcher(pattern: string): (name: string) => boolean {
  const matches = picomatch(pattern, { dot: false, strictSlashes: true });
  return (name) => matches(name);
}

/** True when `text` holds a pattern character (`*`, `?`, `[...]`, `{...}`) rather than naming one file. */
export function isGlob(text: string): boolean {
  return picomatch.scan(text).isGlob;
}

/** The literal part of a pattern before its first pattern character: what a listing can filter on. */
export function literalPrefix(pattern: string): string {
  const first = pattern.search(/[*?[{]/);
  return first === -1 ? pattern : pattern.slice(0, first);
}
