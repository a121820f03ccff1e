/** How numbers, durations and tables are written for people, by the commands and the core alike. */

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
