/**
 * Where the tooling writes. Results go to stdout; progress and diagnostics go to stderr, so that
 * `ecom ... > file` keeps only results. The core takes an Output rather than printing, so a test
 * passes a RecordingOutput to read what was said.
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
