import * as fs from "node:fs";
import * as path from "node:path";
import { EcomError } from "./errors";

/** How many partial files this process has begun, so two writes of one file never share a partial. */
let partials = 0;

/** A new partial file's path beside `file` (its folder created), unique to this process and write. */
function partialBeside(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  partials += 1;
  return `${file}.${process.pid}.${partials}.tmp`;
}

/**
 * Writes a file whole or not at all: `write` fills a partial file beside the target (its path
 * given), which is then renamed over the target, so a reader (or a killed writer) never sees half a
 * file. For writers that stream (the sample generator); a failure removes the partial and is
 * rethrown as it came, for the caller to word.
 */
export async function writeAtomicallyWith<T>(file: string, write: (partial: string) => Promise<T>): Promise<T> {
  const partial = partialBeside(file);
  try {
    const result = await write(partial);
    fs.renameSync(partial, file);
    return result;
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
}

/**
 * Writes `content` to a file whole or not at all (see writeAtomicallyWith). `what` names the file
 * in the error ("the dashboard").
 */
export function writeFileAtomically(file: string, content: string | Buffer, what = file): void {
  const partial = partialBeside(file);
  try {
    fs.writeFileSync(partial, content);
    fs.renameSync(partial, file);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw new EcomError(`Cannot write ${what} to ${file}: ${(error as Error).message}`, { cause: error });
  }
}
