import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import * as yauzl from "yauzl";
import { LoadError } from "../errors";

/** What a zip file is, from its members: an Excel workbook and an OpenDocument file are zips too. */
export type ZipKind = { kind: "xlsx" } | { kind: "archive"; members: string[] } | { kind: "other"; what: string; advice: string };

export interface ExtractedMember {
  /** The member's path inside the archive. */
  name: string;
  /** Where it was extracted. */
  file: string;
  /** SHA-256 of the member's bytes, its file version. */
  checksum: string;
  size: number;
}

/** The members a zip holds (directories and macOS resource forks left out), in archive order. */
export async function zipMembers(file: string): Promise<string[]> {
  const names: string[] = [];
  await forEachEntry(file, async (entry) => {
    names.push(entry.fileName);
  });
  return names.filter((name) => !name.endsWith("/") && !name.startsWith("__MACOSX/") && !path.posix.basename(name).startsWith("._"));
}

/** Tells an .xlsx workbook from an archive of files, and names the zip-based files that are neither. */
export async function classifyZip(file: string): Promise<ZipKind> {
  const members = await zipMembers(file);
  if (members.includes("xl/workbook.xml")) return { kind: "xlsx" };
  if (members.includes("word/document.xml")) return { kind: "other", what: "a Word document (.docx)", advice: "Export the data as CSV or .xlsx." };
  if (members.includes("ppt/presentation.xml")) return { kind: "other", what: "a PowerPoint presentation (.pptx)", advice: "Export the data as CSV or .xlsx." };
  if (members.includes("mimetype") && members.includes("content.xml")) {
    return { kind: "other", what: "an OpenDocument file (.ods or .odt)", advice: "Open it in LibreOffice and save it as .xlsx or CSV." };
  }
  return { kind: "archive", members };
}

/**
 * Extracts the members `wanted` picks into `directory` (flattened to numbered names, so members of
 * one name in two folders cannot collide), hashing each as it streams out.
 */
export async function extractMembers(file: string, directory: string, wanted: (name: string) => boolean): Promise<ExtractedMember[]> {
  const extracted: ExtractedMember[] = [];
  await forEachEntry(file, async (entry, zip) => {
    if (entry.fileName.endsWith("/") || !wanted(entry.fileName)) return;
    const out = path.join(directory, `${extracted.length + 1}-${path.posix.basename(entry.fileName)}`);
    const hash = createHash("sha256");
    let size = 0;
    const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
      zip.openReadStream(entry, (error, readable) => (error || !readable ? reject(error ?? new Error("no stream")) : resolve(readable)))
    );
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    await pipeline(stream, tap, fs.createWriteStream(out));
    extracted.push({ name: entry.fileName, file: out, checksum: hash.digest("hex"), size });
  });
  return extracted;
}

/** Visits every entry of a zip in order, one at a time. A damaged zip is refused in our words. */
async function forEachEntry(file: string, visit: (entry: yauzl.Entry, zip: yauzl.ZipFile) => Promise<void>): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(file, { lazyEntries: true, autoClose: true }, (error, opened) => (error || !opened ? reject(error ?? new Error("no zip")) : resolve(opened)))
    );
  } catch (error) {
    throw damaged(file, error);
  }
  await new Promise<void>((resolve, reject) => {
    zip.on("entry", (entry: yauzl.Entry) => {
      visit(entry, zip).then(
        () => zip.readEntry(),
        (error: unknown) => {
          zip.close();
          reject(error instanceof LoadError ? error : damaged(file, error));
        }
      );
    });
    zip.on("end", () => resolve());
    zip.on("error", (error: unknown) => reject(damaged(file, error)));
    zip.readEntry();
  });
}

function damaged(file: string, error: unknown): LoadError {
  return new LoadError(`${file}: the zip archive is damaged or truncated, so its files cannot be read. Nothing was loaded from it; fetch or zip the files again.`, {
    cause: error,
  });
}
