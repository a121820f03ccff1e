import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** A fresh temporary directory, and a function that removes it. */
export function makeTempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** An Output that says nothing, for tests that read results from the warehouse instead. */
export const silentOutput = { result: (): void => undefined, info: (): void => undefined };

/** The shared Online Retail data, when this checkout sits beside it (skipped otherwise). */
export const SHARED_DATA_DIR = path.resolve(__dirname, "..", "..", "..", "shared", "data", "online-retail");
