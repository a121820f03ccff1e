/**
 * Where commands write. Results go to stdout; progress and diagnostics go to stderr, so that
 * `ecom ... > file` keeps only results. Tests pass a recording Output to read what a command said.
 */
export interface Output {
  /** A line of results. */
  result(line: string): void;
  /** A line of progress or diagnostics. */
  info(line: string): void;
}

export const consoleOutput: Output = {
  result: (line) => process.stdout.write(`${line}\n`),
  info: (line) => process.stderr.write(`${line}\n`),
};

/** An Output that keeps every line, for tests. */
export class RecordingOutput implements Output {
  readonly lines: string[] = [];
  result(line: string): void {
    this.lines.push(line);
  }
  info(line: string): void {
    this.lines.push(line);
  }
  get text(): string {
    return this.lines.join("\n");
  }
}

/** 1234567 -> "1,234,567". */
export function formatCount(value: number | string): string {
  return Number(value).toLocaleString("en-US");
}

/** Seconds with two decimals and a unit. */
export function formatSeconds(seconds: number): string {
  return `${seconds.toFixed(2)}s`;
}

/** A plain text table: columns padded to their widest cell, numbers right-aligned. */
export function formatTable(headers: string[], rows: (string | number)[][]): string[] {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const numeric = headers.map((_header, column) => rows.length > 0 && rows.every((row) => typeof row[column] === "number" || /^-?£?[\d,.]+%?$/.test(String(row[column]))));
  const widths = headers.map((_header, column) => Math.max(...cells.map((row) => (row[column] ?? "").length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => (numeric[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), widths.map((width) => "-".repeat(width)).join("  "), ...cells.slice(1).map(line)];
}
