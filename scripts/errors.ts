/**
 * The project's errors: one base class the CLI recognises (it prints the message, not a stack), and
 * one subclass per kind of failure. Messages say what went wrong, where, and what to do; the
 * underlying error stays available as `cause`.
 */
export class EcomError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A command-line option or var has a value that cannot be used. */
export class UsageError extends EcomError {}

/** A source file cannot be landed: missing, unreadable, or not an Online Retail CSV. */
export class LoadError extends EcomError {}

/** `dataform compile` failed or produced a graph with errors. */
export class CompileError extends EcomError {}

/**
 * A Google Cloud API or its credentials failed. Its message is one line that already says what the
 * cause said and what to do, so it is printed alone; the client library's error stays as `cause`.
 */
export class CloudError extends EcomError {}

/** The description of an error and of each of its causes, one per line, for printing (a CloudError's alone). */
export function describeError(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth += 1) {
    if (current instanceof Error) {
      lines.push(depth === 0 ? current.message : `caused by: ${current.message}`);
      current = current instanceof CloudError ? undefined : current.cause;
    } else {
      lines.push(depth === 0 ? String(current) : `caused by: ${String(current)}`);
      current = undefined;
    }
  }
  return lines.join("\n");
}

/** A failure to start the Dataform CLI (its own failures are its exit code). */
export class DataformRunError extends EcomError {}
