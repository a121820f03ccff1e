import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as zlib from "node:zlib";
import { LoadError } from "../errors";

export type SourceEncoding = "utf-8" | "latin-1";

export interface FileProbe {
  /** Bytes on disk. */
  size: number;
  /** SHA-256 of the bytes on disk: one value per file version. */
  checksum: string;
  gzip: boolean;
  /** UTF-8 when every byte sequence is valid UTF-8, else ISO-8859-1 (every byte is a character there). */
  encoding: SourceEncoding;
  /** The first line of the (decompressed, decoded) file, without its line ending. */
  headerLine: string;
}

const GZIP_MAGIC = [0x1f, 0x8b];
const HEADER_LIMIT = 64 * 1024;

/**
 * Reads a file once, streaming: its checksum, whether it is gzip, its encoding and its header line.
 * The whole file is decoded because one `£` written as ISO-8859-1 can sit on the last line.
 */
export async function probeFile(file: string, onBytes?: (bytesDone: number, bytesTotal: number) => void): Promise<FileProbe> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    throw new LoadError(`${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? "error"}). Check the path.`, { cause: error });
  }
  if (!stat.isFile()) throw new LoadError(`${file} is not a file.`);
  const gzip = startsWithGzipMagic(file);
  const hash = createHash("sha256");
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  let validUtf8 = true;
  const headChunks: Buffer[] = [];
  let headBytes = 0;

  const raw = fs.createReadStream(file);
  let bytesDone = 0;
  raw.on("data", (chunk) => {
    hash.update(chunk as Buffer);
    bytesDone += chunk.length;
    onBytes?.(bytesDone, stat.size);
  });
  const content: NodeJS.ReadableStream = gzip ? raw.pipe(zlib.createGunzip()) : raw;
  try {
    for await (const chunk of content as AsyncIterable<Buffer>) {
      if (headBytes < HEADER_LIMIT) {
        headChunks.push(chunk);
        headBytes += chunk.length;
      }
      if (validUtf8) {
        try {
          utf8.decode(chunk, { stream: true });
        } catch {
          validUtf8 = false;
        }
      }
    }
  } catch (error) {
    const reason = gzip ? "the gzip data is damaged or truncated" : "it could not be read to the end";
    throw new LoadError(`${file}: ${reason} (${(error as Error).message}). Nothing was loaded; fetch or compress the file again.`, {
      cause: error,
    });
  }
  if (validUtf8) {
    try {
      utf8.decode(); // flushes: a file ending inside a multi-byte sequence is not UTF-8
    } catch {
      validUtf8 = false;
    }
  }
  const encoding: SourceEncoding = validUtf8 ? "utf-8" : "latin-1";
  const head = Buffer.concat(headChunks).toString(encoding === "utf-8" ? "utf8" : "latin1");
  const newline = head.indexOf("\n");
  const headerLine = (newline === -1 ? head : head.slice(0, newline)).replace(/\r$/, "");
  return { size: stat.size, checksum: hash.digest("hex"), gzip, encoding, headerLine };
}

/** Whether bytes start like gzip data (its two magic bytes), whatever the file is called. */
export function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

function startsWithGzipMagic(file: string): boolean {
  const descriptor = fs.openSync(file, "r");
  try {
    const bytes = Buffer.alloc(2);
    const read = fs.readSync(descriptor, bytes, 0, 2, 0);
    return isGzip(bytes.subarray(0, read));
  } finally {
    fs.closeSync(descriptor);
  }
}

/**
 * The encoding of a sample of a file (its first bytes, say): UTF-8 when the sample is valid UTF-8,
 * a multi-byte character cut at the sample's end allowed; ISO-8859-1 otherwise. A sample can miss a
 * `£` further on: where the whole file is at hand, probeFile reads all of it.
 */
export function detectSampleEncoding(sample: Buffer): SourceEncoding {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  try {
    decoder.decode(sample, { stream: true }); // stream: a trailing partial character is not an error
    return "utf-8";
  } catch {
    return "latin-1";
  }
}

/** The first line of a sample decoded in `encoding`, without BOM or line ending. */
export function firstLine(sample: Buffer, encoding: SourceEncoding): string {
  const text = sample.toString(encoding === "utf-8" ? "utf8" : "latin1");
  const newline = text.indexOf("\n");
  return (newline === -1 ? text : text.slice(0, newline)).replace(/\r$/, "").replace(/^\uFEFF/, "");
}
