import * as fs from "node:fs";
import * as path from "node:path";
import { LoadError } from "../errors";

const DATA_FILE = /\.csv(\.gz)?$/i;

/**
 * The files named on the command line, with directories expanded to the .csv and .csv.gz files
 * directly inside them (sorted, so loads happen in a repeatable order).
 */
export function resolveSources(paths: string[]): string[] {
  const files: string[] = [];
  for (const entry of paths) {
    if (!fs.existsSync(entry)) throw new LoadError(`${entry}: no such file or directory. Check the --source path.`);
    if (fs.statSync(entry).isDirectory()) {
      const inside = fs.readdirSync(entry).filter((name) => DATA_FILE.test(name)).sort();
      if (inside.length === 0) throw new LoadError(`${entry}: the directory holds no .csv or .csv.gz file.`);
      files.push(...inside.map((name) => path.join(entry, name)));
    } else {
      files.push(entry);
    }
  }
  return files;
}
