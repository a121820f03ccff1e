import * as fs from "node:fs";
import * as path from "node:path";
import { LoadError } from "../errors";
import { globMatcher, isGlob } from "../glob";

const DATA_FILE = /\.(csv(\.gz)?|xlsx|zip)$/i;

/**
 * The local files named on the command line: a file as it is; a directory as the .csv, .csv.gz,
 * .xlsx and .zip files directly inside it (Excel's lock files, `~$book.xlsx`, left out); a pattern in
 * its last part (quoted, so the shell leaves it alone) as the data files it matches, by the rule of
 * scripts/glob.ts that gs:// patterns follow too. Sorted within each argument, so loads happen in a
 * repeatable order. gs:// URIs are passed through for the cloud loader.
 */
export function resolveSources(paths: string[]): string[] {
  const files: string[] = [];
  for (const entry of paths) {
    if (entry.startsWith("gs://")) {
      files.push(entry);
    } else if (isGlob(entry)) {
      files.push(...matchPattern(entry));
    } else if (!fs.existsSync(entry)) {
      throw new LoadError(`${entry}: no such file or directory. Check the --source path.`);
    } else if (fs.statSync(entry).isDirectory()) {
      const inside = fs.readdirSync(entry).filter(isDataFile).sort();
      if (inside.length === 0) throw new LoadError(`${entry}: the directory holds no .csv, .csv.gz, .xlsx or .zip file.`);
      files.push(...inside.map((name) => path.join(entry, name)));
    } else {
      files.push(entry);
    }
  }
  return files;
}

function matchPattern(pattern: string): string[] {
  const directory = path.dirname(pattern);
  if (isGlob(directory)) throw new LoadError(`${pattern}: wildcards are allowed in the file name only, not in directories.`);
  if (!fs.existsSync(directory)) throw new LoadError(`${pattern}: no such directory ${directory}.`);
  const matchesPattern = globMatcher(path.basename(pattern));
  const matches = fs
    .readdirSync(directory)
    .filter((name) => matchesPattern(name) && isDataFile(name) && fs.statSync(path.join(directory, name)).isFile())
    .sort()
    .map((name) => path.join(directory, name));
  if (matches.length === 0) throw new LoadError(`${pattern}: no .csv, .csv.gz, .xlsx or .zip file matches.`);
  return matches;
}

function isDataFile(name: string): boolean {
  return DATA_FILE.test(name) && !name.startsWith("~$");
}
