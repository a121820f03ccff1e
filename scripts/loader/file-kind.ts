import * as fs from "node:fs";
import { LoadError } from "../errors";
import { isGzip } from "./file-probe";

/**
 * What a file is, from its first bytes rather than its name: people rename workbooks to .csv and
 * save CSV under .txt, so the name is a hint at most. Zip files are told apart by their members
 * (see zip-archive.ts): an .xlsx workbook is a zip too.
 */
export type FileKind = "text" | "gzip" | "zip";

/** Signatures of the files people send instead of a CSV, named as a person would name them. */
const NOT_CSV: { magic: number[]; what: string; advice: string }[] = [
  { magic: [0x25, 0x50, 0x44, 0x46], what: "a PDF document", advice: "Export the data as CSV or .xlsx from the program that made the PDF." },
  { magic: [0x89, 0x50, 0x4e, 0x47], what: "a PNG image", advice: "Load the export the picture was taken from (CSV or .xlsx)." },
  { magic: [0xff, 0xd8, 0xff], what: "a JPEG image", advice: "Load the export the picture was taken from (CSV or .xlsx)." },
  { magic: [0x47, 0x49, 0x46, 0x38], what: "a GIF image", advice: "Load the export the picture was taken from (CSV or .xlsx)." },
  {
    magic: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    what: "an Excel 97-2003 workbook (.xls) or another old Office file",
    advice: "Open it in Excel or LibreOffice and save it as .xlsx or CSV.",
  },
];
const ZIP_MAGIC = [0x50, 0x4b];
const HEAD_BYTES = 4096;

/** The kind of a local file; refuses, naming what it is, a file that is no export at all. */
export function sniffFile(file: string, forcedEncoding?: string): FileKind {
  const head = readHead(file);
  if (isGzip(head)) return "gzip";
  if (startsWith(head, ZIP_MAGIC) && (head[2] === 0x03 || head[2] === 0x05)) return "zip";
  const other = NOT_CSV.find((signature) => startsWith(head, signature.magic));
  if (other) throw new LoadError(`${file} is ${other.what}, not a CSV file or an Excel workbook. ${other.advice} Nothing was loaded from it.`);
  // A UTF-16 file without byte order mark holds NUL bytes: with its encoding given, it is text.
  if (!forcedEncoding?.startsWith("utf-16")) refuseBinary(file, head);
  return "text";
}

/**
 * Text files hold no NUL byte, except UTF-16, where every other byte of Latin text is 0. UTF-16 with
 * its byte order mark is read; without one, the byte order is a guess, so the user is asked for it.
 */
export function refuseBinary(file: string, head: Buffer): void {
  if (head[0] === 0xff && head[1] === 0xfe) return;
  if (head[0] === 0xfe && head[1] === 0xff) return;
  const zeros = (parity: number) => head.filter((byte, index) => byte === 0 && index % 2 === parity).length;
  const [even, odd] = [zeros(0), zeros(1)];
  if (even + odd === 0) return;
  const half = Math.floor(head.length / 2) * 0.4;
  if (odd > half && even === 0) {
    throw new LoadError(`${file} is UTF-16 (little-endian) text without a byte order mark. Load it with --encoding utf-16le, or save it as UTF-8.`);
  }
  if (even > half && odd === 0) {
    throw new LoadError(`${file} is UTF-16 (big-endian) text without a byte order mark. Load it with --encoding utf-16be, or save it as UTF-8.`);
  }
  throw new LoadError(`${file} is a binary file, not a CSV file or an Excel workbook (it holds NUL bytes). Nothing was loaded from it.`);
}

function readHead(file: string): Buffer {
  let descriptor: number;
  try {
    descriptor = fs.openSync(file, "r");
  } catch (error) {
    throw new LoadError(`${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? "error"}). Check the path.`, { cause: error });
  }
  try {
    if (fs.fstatSync(descriptor).isDirectory()) throw new LoadError(`${file} is not a file.`);
    const bytes = Buffer.alloc(HEAD_BYTES);
    return bytes.subarray(0, fs.readSync(descriptor, bytes, 0, HEAD_BYTES, 0));
  } finally {
    fs.closeSync(descriptor);
  }
}

function startsWith(bytes: Buffer, magic: number[]): boolean {
  return magic.every((byte, index) => bytes[index] === byte);
}
