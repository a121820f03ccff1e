import type { FileLoadResult } from "../loader/duckdb-loader";
import { formatCount } from "../format";

/**
 * What a load did, file by file, kept as it goes: for the closing summary, and for Ctrl-C, which
 * says what landed, what was in progress (rolled back: a file lands in one transaction) and what was
 * never tried.
 */
export class LoadTracker {
  readonly results: FileLoadResult[] = [];
  private readonly started: string[] = [];
  private current: string | undefined;

  constructor(private readonly sources: string[]) {}

  readonly onStart = (file: string): void => {
    this.current = file;
    this.started.push(file);
  };

  readonly onResult = (result: FileLoadResult): void => {
    this.results.push(result);
    this.current = undefined;
  };

  get refused(): FileLoadResult[] {
    return this.results.filter((result) => result.status === "refused");
  }

  /** One line of totals: how many files landed, were replaced, unchanged, refused (named). */
  summary(): string {
    const count = (status: FileLoadResult["status"]) => this.results.filter((result) => result.status === status);
    const rows = [...count("loaded"), ...count("replaced")].reduce((total, result) => total + result.rows, 0);
    const refused = count("refused");
    return (
      `${this.results.length} file(s): ${count("loaded").length} landed, ${count("replaced").length} replaced (${formatCount(rows)} rows in all), ` +
      `${count("unchanged").length} unchanged, ${refused.length} refused${refused.length ? `: ${refused.map((result) => result.file).join(", ")}` : ""}.`
    );
  }

  /** Whether files are still being landed (one in progress, or a source not started). */
  loading(): boolean {
    return this.current !== undefined || this.notTried().length > 0;
  }

  private notTried(): string[] {
    return this.sources.filter((source) => !this.started.includes(source) && !this.started.some((file) => file.startsWith(source.replace(/\*.*$/, ""))));
  }

  /** What Ctrl-C reports. */
  interrupted(): string[] {
    const landed = this.results.filter((result) => result.status === "loaded" || result.status === "replaced");
    const lines = ["Interrupted (Ctrl-C)."];
    lines.push(
      landed.length > 0
        ? `Landed before it: ${landed.map((result) => `${result.sourceFile} (${formatCount(result.rows)} rows)`).join(", ")}.`
        : "Nothing had landed yet."
    );
    if (this.current) lines.push(`In progress: ${this.current}: nothing of it landed (its transaction is rolled back); load it again.`);
    const notTried = this.notTried();
    if (notTried.length > 0) lines.push(`Not tried: ${notTried.join(", ")}.`);
    return lines;
  }
}

/**
 * Runs `work` with Ctrl-C reporting `describe()` before the process exits with 130 (the shell's
 * code for SIGINT). Exiting in the middle of a DuckDB transaction leaves it uncommitted: the
 * warehouse reopens at its last commit.
 */
export async function reportingInterrupts<T>(describe: () => string[], write: (line: string) => void, work: () => Promise<T>): Promise<T> {
  const handler = () => {
    for (const line of describe()) write(line);
    process.exit(130);
  };
  process.once("SIGINT", handler);
  try {
    return await work();
  } finally {
    process.removeListener("SIGINT", handler);
  }
}
