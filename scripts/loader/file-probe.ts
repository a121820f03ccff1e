import { isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as zlib from "node:zlib";
import * as iconv from "iconv-lite";
import { LoadError } from "../errors";

/** The encodings DuckDB's CSV reader reads natively (and BigQuery's load jobs take). */
export type SourceEncoding = "utf-8" | "latin-1";
/**
 * Every encoding the local loader reads: Excel's other exports too. Windows-1252 and UTF-16 are
 * converted to UTF-8 before DuckDB reads them.
 */
export type TextEncoding = SourceEncoding | "windows-1252" | "utf-16le" | "utf-16be";
export const TEXT_ENCODINGS: readonly TextEncoding[] = ["utf-8", "latin-1", "windows-1252", "utf-16le", "utf-16be"];

export interface FileProbe {
  /** Bytes on disk. */
  size: number;
  /** SHA-256 of the bytes on disk: one value per file version. */
  checksum: string;
  gzip: boolean;
  /** UTF-8 when every byte sequence is valid UTF-8, else ISO-8859-1 (every byte is a character there). */
  encoding: SourceEncoding;
  /**
   * The encoding the text is in: a UTF-16 byte order mark says UTF-16; otherwise UTF-8 when valid,
   * else Windows-1252 when a byte 0x80-0x9F occurs (control characters in ISO-8859-1, which no
   * export means: they are Windows-1252's € “ ” ‘ ’ – —), else ISO-8859-1.
   */
  textEncoding: TextEncoding;
  /** "cr" when lines end in a carriage return alone (old Mac exports); LF and CRLF are "lf". */
  lineEnding: "lf" | "cr";
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
  const utf8 = new Utf8Check();
  let c1Byte = false;
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
      utf8.push(chunk);
      if (!utf8.valid && !c1Byte) c1Byte = hasC1Byte(chunk);
    }
  } catch (error) {
    const reason = gzip ? "the gzip data is damaged or truncated" : "it could not be read to the end";
    throw new LoadError(`${file}: ${reason} (${(error as Error).message}). Nothing was loaded; fetch or compress the file again.`, {
      cause: error,
    });
  }
  const validUtf8 = utf8.end();
  const head = Buffer.concat(headChunks);
  const bom = utf16Bom(head);
  const textEncoding: TextEncoding = bom ?? (validUtf8 ? "utf-8" : c1Byte ? "windows-1252" : "latin-1");
  const encoding: SourceEncoding = validUtf8 ? "utf-8" : "latin-1";
  const text = decodeText(head, textEncoding);
  return { size: stat.size, checksum: hash.digest("hex"), gzip, encoding, textEncoding, lineEnding: lineEndingOf(text), headerLine: headerLineOf(text) };
}

/** What a file's first bytes say it is, before the whole file is read. */
export interface HeadGuess {
  /** The encoding DuckDB would read it in, if the rest of the file agrees with its head. */
  encoding: SourceEncoding;
  headerLine: string;
}

/**
 * How much of a file the guess reads: the first 8 MiB of a plain file, the first 1 MiB of a gzip file
 * (some 6 MB of text). Enough to meet the first £ of most exports (the classic data.csv has its first
 * on line 38,250, 3.2 MB in) in a few milliseconds, so that DuckDB reads such a file in the right
 * encoding from the start.
 */
const GUESS_LIMIT = { plain: 8 * 1024 * 1024, gzip: 1024 * 1024 } as const;

/**
 * A guess from the first megabytes of a file (GUESS_LIMIT), for a landing that starts while probeFile
 * is still reading: the encoding DuckDB reads natively that the sample is in, and the header line.
 * Undefined when the sample already says that DuckDB cannot read the file as it is (UTF-16,
 * Windows-1252 bytes, CR line endings) or cannot be read. Only a guess: probeFile has the last word,
 * since one `£` as ISO-8859-1 can sit on the last line.
 */
export function guessFromHead(file: string, gzip: boolean, forced?: TextEncoding): HeadGuess | undefined {
  let sample: Buffer;
  try {
    const raw = readFileStart(file, gzip ? GUESS_LIMIT.gzip : GUESS_LIMIT.plain);
    sample = gzip ? decompressStart(raw) : raw;
  } catch {
    return undefined;
  }
  if (utf16Bom(sample)) return undefined;
  const encoding: TextEncoding = forced ?? (detectSampleEncoding(sample) === "utf-8" ? "utf-8" : hasC1Byte(sample) ? "windows-1252" : "latin-1");
  if (encoding !== "utf-8" && encoding !== "latin-1") return undefined;
  const text = decodeText(sample.subarray(0, HEADER_LIMIT), encoding);
  if (lineEndingOf(text) === "cr") return undefined;
  return { encoding, headerLine: headerLineOf(text) };
}

/**
 * A file's first `limit` bytes (or all of it, when shorter); by default 64 KiB, enough to hold its
 * header line and see how lines end. Throws fs errors.
 */
export function readFileStart(file: string, limit: number = HEADER_LIMIT): Buffer {
  const descriptor = fs.openSync(file, "r");
  try {
    const raw = Buffer.alloc(Math.min(limit, fs.fstatSync(descriptor).size));
    return raw.subarray(0, fs.readSync(descriptor, raw, 0, raw.length, 0));
  } finally {
    fs.closeSync(descriptor);
  }
}

/** The text the first bytes of a gzip file hold, without the rest of the stream. Throws zlib errors. */
export function decompressStart(raw: Buffer): Buffer {
  // A sync flush decompresses what these bytes hold without asking for the end of the stream.
  return zlib.gunzipSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
}

/** Whether a buffer holds a byte 0x80-0x9F (a Windows-1252 sign, once the text is known not to be UTF-8). */
function hasC1Byte(chunk: Buffer): boolean {
  // One native search per byte value is some four times faster than a loop over the bytes in JavaScript.
  for (let byte = 0x80; byte <= 0x9f; byte += 1) if (chunk.includes(byte)) return true;
  return false;
}

/**
 * Whether a stream of chunks is valid UTF-8, checked natively chunk by chunk without decoding it (a
 * TextDecoder builds the text too, and takes some twenty times as long). A character cut at a
 * chunk's end is checked with the start of the next chunk.
 */
class Utf8Check {
  valid = true;
  private carried: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    if (!this.valid) return;
    const bytes = this.carried.length > 0 ? Buffer.concat([this.carried, chunk]) : chunk;
    const cut = cutCharacterLength(bytes);
    this.valid = isUtf8(bytes.subarray(0, bytes.length - cut));
    this.carried = Buffer.from(bytes.subarray(bytes.length - cut));
  }

  /** Whether the whole stream was valid: one ending inside a multi-byte character is not. */
  end(): boolean {
    return this.valid && this.carried.length === 0;
  }
}

/**
 * How many bytes at the end of `bytes` begin a multi-byte character that needs more bytes than are
 * there (0 when the last character is whole). Bytes that cannot begin one are left to isUtf8 to refuse.
 */
function cutCharacterLength(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(4, bytes.length); back += 1) {
    const byte = bytes[bytes.length - back] as number;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: the character began further back
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}

/** The UTF-16 variant a byte order mark announces, if the bytes start with one. */
export function utf16Bom(bytes: Buffer): "utf-16le" | "utf-16be" | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  return undefined;
}

/** Bytes as text in any of the loader's encodings (iconv-lite for those Node does not know). */
export function decodeText(bytes: Buffer, encoding: TextEncoding): string {
  if (encoding === "utf-8") return bytes.toString("utf8");
  if (encoding === "latin-1") return bytes.toString("latin1");
  return iconv.decode(bytes, ICONV_NAMES[encoding]);
}

/** iconv-lite's names of the encodings Node's Buffer does not decode. */
export const ICONV_NAMES: Record<Exclude<TextEncoding, SourceEncoding>, string> = {
  "windows-1252": "win1252",
  "utf-16le": "utf-16le",
  "utf-16be": "utf-16be",
};

/** "cr" when the first line ends in a carriage return not followed by a line feed. */
function lineEndingOf(text: string): "lf" | "cr" {
  const end = text.search(/[\r\n]/);
  return end !== -1 && text[end] === "\r" && text[end + 1] !== "\n" && end + 1 < text.length ? "cr" : "lf";
}

/** The first line of a text, without its line ending (any of LF, CRLF, CR). A BOM is left for mapHeader. */
function headerLineOf(text: string): string {
  const end = text.search(/[\r\n]/);
  return end === -1 ? text : text.slice(0, end);
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
  const check = new Utf8Check();
  check.push(sample); // a trailing partial character is not an error: end() is not asked
  return check.valid ? "utf-8" : "latin-1";
}

/** The first line of a sample decoded in `encoding`, without BOM or line ending. */
export function firstLine(sample: Buffer, encoding: SourceEncoding): string {
  const text = sample.toString(encoding === "utf-8" ? "utf8" : "latin1");
  const newline = text.indexOf("\n");
  return (newline === -1 ? text : text.slice(0, newline)).replace(/\r$/, "").replace(/^\uFEFF/, "");
}
