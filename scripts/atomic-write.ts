import * as fs from "node:fs";
import * as path from "node:path";
import { EcomError } from "./errors";

/**
 * Writes a file whole or not at all: written aside, then renamed over the target, so a reader (or a
 * killed writer) never sees half a file. `what` names the file in the error ("the dashboard").
 */
export function writeFileAtomically(file: string, content: string | Buffer, what = file): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(partial, content);
    fs.renameSync(partial, file);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw new EcomError(`Cannot write ${what} to ${file}: ${(error as Error).message}`, { cause: error });
  }
}
