import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import * as zlib from "node:zlib";
import type { File, Storage } from "@google-cloud/storage";
import { isGzip } from "../loader/file-probe";
import { LoadError, UsageError } from "../errors";
import { globMatcher, isGlob, literalPrefix } from "../glob";
import { storageLibrary } from "./google-libraries";

/** One object version in Cloud Storage, as listed: what the loaders need to read it and to record it. */
export interface GcsObject {
  /** gs://bucket/name */
  uri: string;
  bucket: string;
  name: string;
  /** Bytes as stored (compressed bytes for a .csv.gz). */
  size: number;
  /** The object generation: changes whenever the object is overwritten, so it identifies the version. */
  generation: string;
}

/** What a head read returns when no size is asked for: enough for any header line and an encoding guess. */
export const DEFAULT_HEAD_BYTES = 64 * 1024;
/** A head read of a gzip object never reads more compressed bytes than this looking for the first line. */
const MAX_COMPRESSED_HEAD_BYTES = 8 * 1024 * 1024;
/** A read that receives no byte for this long is abandoned. */
const DEFAULT_STALL_TIMEOUT_MS = 60_000;
/** The characters of Cloud Storage bucket names: lower-case letters, digits, dashes, underscores and dots. */
const BUCKET_NAME = /^[a-z0-9](?:[a-z0-9._-]{0,220}[a-z0-9])?$/;
const URI_EXAMPLES = "gs://bucket/path/file.csv or gs://bucket/prefix/*.csv";

/**
 * Splits a gs:// URI into its bucket and its object name or pattern. Refused, naming the URI, when it
 * is not a gs:// URI, has no valid bucket, or names no object (a bare bucket or a "folder/").
 */
export function parseGcsUri(uri: string): { bucket: string; pattern: string } {
  const match = /^gs:\/\/([^/]*)\/?(.*)$/.exec(uri);
  if (!match) {
    throw new UsageError(`${JSON.stringify(uri)} is not a Cloud Storage URI: expected ${URI_EXAMPLES}.`);
  }
  const bucket = match[1] ?? "";
  const pattern = match[2] ?? "";
  if (!BUCKET_NAME.test(bucket)) {
    throw new UsageError(
      `${JSON.stringify(uri)}: ${bucket === "" ? "no bucket is named" : `${JSON.stringify(bucket)} is not a valid bucket name`}. Expected ${URI_EXAMPLES}.`
    );
  }
  if (pattern === "" || pattern.endsWith("/")) {
    throw new UsageError(
      `${JSON.stringify(uri)} names no object. Name an object or a pattern of objects: ${pattern === "" ? `gs://${bucket}/path/file.csv` : `gs://${bucket}/${pattern}*.csv`}.`
    );
  }
  return { bucket, pattern };
}

/**
 * A Cloud Storage client for the project. With an apiEndpoint (a local stand-in), the client sends no
 * credentials: the library skips authentication for a custom endpoint unless useAuthWithCustomEndpoint
 * is set, so no token is ever asked for.
 */
export function createStorage(config: { projectId: string; apiEndpoint?: string }): Storage {
  const projectId = config.projectId || undefined;
  if (config.apiEndpoint) {
    return new (storageLibrary().Storage)({ projectId, apiEndpoint: config.apiEndpoint, useAuthWithCustomEndpoint: false });
  }
  return new (storageLibrary().Storage)({ projectId });
}

/**
 * The objects a URI names. A plain URI is one object (refused when missing). A pattern is every
 * .csv, .csv.gz, .xlsx or .zip object under its literal prefix whose name matches it by the rule of
 * scripts/glob.ts, local patterns' too (`*` stays within one "folder"; `*.csv` takes no .csv.gz:
 * `*.{csv,csv.gz}` takes both), sorted by name, and refused when none matches.
 */
export async function listGcsObjects(storage: Storage, uri: string): Promise<GcsObject[]> {
  const { bucket, pattern } = parseGcsUri(uri);
  if (!isGlob(pattern)) return [await getObject(storage, bucket, pattern, uri)];

  const prefix = literalPrefix(pattern);
  let files: File[];
  try {
    [files] = await storage.bucket(bucket).getFiles({ prefix, autoPaginate: true });
  } catch (error) {
    throw new LoadError(`${uri}: cannot list gs://${bucket}/${prefix} (${describeApiError(error)}).`, { cause: error });
  }
  const matches = globMatcher(pattern);
  const objects = files
    .filter((file) => isLoadableName(file.name) && matches(file.name))
    .map((file) => toGcsObject(bucket, file))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (objects.length === 0) {
    throw new LoadError(
      `${uri}: no object matches the pattern (${files.length} object${files.length === 1 ? "" : "s"} under gs://${bucket}/${prefix}; ` +
        "only .csv, .csv.gz, .xlsx and .zip objects are loaded, and * does not match across /)."
    );
  }
  return objects;
}

async function getObject(storage: Storage, bucket: string, name: string, uri: string): Promise<GcsObject> {
  const file = storage.bucket(bucket).file(name);
  try {
    await file.getMetadata();
  } catch (error) {
    if (apiErrorCode(error) === 404) throw new LoadError(`${uri}: no such object`, { cause: error });
    throw new LoadError(`${uri}: cannot read the object's metadata (${describeApiError(error)}).`, { cause: error });
  }
  return toGcsObject(bucket, file);
}

function toGcsObject(bucket: string, file: File): GcsObject {
  return {
    uri: `gs://${bucket}/${file.name}`,
    bucket,
    name: file.name,
    size: Number(file.metadata.size ?? 0),
    generation: String(file.metadata.generation ?? ""),
  };
}

/** The exports the loader reads: CSV (gzip-compressed or not), Excel workbooks and zip archives of them. */
const LOADABLE_EXTENSIONS = [".csv", ".csv.gz", ".xlsx", ".zip"];

function isLoadableName(name: string): boolean {
  const lower = name.toLowerCase();
  return LOADABLE_EXTENSIONS.some((extension) => lower.endsWith(extension));
}


/**
 * The first bytes of an object's content, read with a range request. A gzip object (named .gz, or
 * starting with the gzip magic bytes) is inflated as far as the bytes read allow; more compressed
 * bytes are read while the inflated head has no complete first line.
 */
export async function readGcsHead(storage: Storage, object: GcsObject, bytes: number = DEFAULT_HEAD_BYTES): Promise<Buffer> {
  if (object.size === 0) return Buffer.alloc(0); // a range request on an empty object is refused (416)
  let want = Math.min(bytes, object.size);
  let raw = await readRange(storage, object, want);
  if (!(object.name.endsWith(".gz") || isGzip(raw))) return raw;
  for (;;) {
    const inflated = inflatePartial(raw, object);
    const readAll = raw.length >= object.size;
    if (inflated.includes(0x0a) || readAll || want >= MAX_COMPRESSED_HEAD_BYTES) return inflated.subarray(0, bytes);
    want = Math.min(want * 4, object.size, MAX_COMPRESSED_HEAD_BYTES);
    raw = await readRange(storage, object, want);
  }
}

async function readRange(storage: Storage, object: GcsObject, length: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    // decompress: false: the stored bytes, even for an object stored with Content-Encoding: gzip.
    const stream = objectFile(storage, object).createReadStream({ start: 0, end: length - 1, decompress: false });
    for await (const chunk of withinStallTimeout(stream, DEFAULT_STALL_TIMEOUT_MS)) chunks.push(chunk);
  } catch (error) {
    throw new LoadError(`${object.uri}: cannot read the object (${describeReadError(error, object)}).`, { cause: error });
  }
  return Buffer.concat(chunks);
}

/** Inflates what it can of the start of a gzip stream: a cut-off end is expected, damaged data is not. */
function inflatePartial(compressed: Buffer, object: GcsObject): Buffer {
  try {
    return zlib.gunzipSync(compressed, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch (error) {
    throw new LoadError(`${object.uri}: the gzip data is damaged (${(error as Error).message}). Compress and upload the file again.`, {
      cause: error,
    });
  }
}

export interface DownloadOptions {
  /** A download that receives no byte for this long is abandoned (default one minute). */
  stallTimeoutMs?: number;
}

/**
 * Copies an object's exact bytes (a .csv.gz stays compressed) into `toFile`, pinned to the listed
 * generation. Bytes go to a temporary name beside `toFile`, renamed when complete, so `toFile` is
 * either the whole object or untouched; a failed download removes the temporary file.
 */
export async function downloadGcsObject(
  storage: Storage,
  object: GcsObject,
  toFile: string,
  onProgress?: (bytesDone: number, bytesTotal: number) => void,
  options: DownloadOptions = {}
): Promise<void> {
  const temp = path.join(path.dirname(toFile), `.${path.basename(toFile)}.${randomUUID().slice(0, 8)}.part`);
  let done = 0;
  const source = objectFile(storage, object).createReadStream({ decompress: false });
  const counted = async function* (): AsyncGenerator<Buffer> {
    for await (const chunk of withinStallTimeout(source, options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS)) {
      done += chunk.length;
      onProgress?.(done, object.size);
      yield chunk;
    }
  };
  try {
    await pipeline(counted(), fs.createWriteStream(temp));
    if (done !== object.size) throw new Error(`received ${done} of ${object.size} bytes`);
    await fs.promises.rename(temp, toFile);
  } catch (error) {
    await fs.promises.rm(temp, { force: true });
    throw new LoadError(`${object.uri}: download to ${toFile} failed (${describeReadError(error, object)}). Nothing was written; run again.`, {
      cause: error,
    });
  }
}

/**
 * The chunks of a read stream, failing it when no chunk arrives for `stallMs`. Needed because the
 * client's HTTP layer (node-fetch 2) neither ends nor fails a response body whose connection is cut
 * before its Content-Length: without this, such a read waits forever.
 */
async function* withinStallTimeout(source: Readable, stallMs: number): AsyncGenerator<Buffer> {
  const timer = setTimeout(() => source.destroy(new Error(`no data for ${stallMs / 1000} s: the connection stalled or was cut`)), stallMs);
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      timer.refresh();
      yield chunk;
    }
  } finally {
    clearTimeout(timer);
    source.destroy(); // a no-op after the end; after a failure downstream, releases the connection
  }
}

/** The object at its listed generation: a later overwrite is then an error, not a silent switch. */
function objectFile(storage: Storage, object: GcsObject): File {
  return storage.bucket(object.bucket).file(object.name, object.generation ? { generation: object.generation } : {});
}

function describeReadError(error: unknown, object: GcsObject): string {
  if (apiErrorCode(error) === 404) return `generation ${object.generation} no longer exists: the object was deleted or overwritten since it was listed`;
  return describeApiError(error);
}

/** The HTTP status of a client library error, when it has one. */
export function apiErrorCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}

/**
 * A client library error's message on one line. API errors can carry several messages; a failed
 * download's error carries the response body, a JSON error document, as its message.
 */
export function describeApiError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (messageOfErrorDocument(message) ?? message).replace(/\s*\n\s*/g, " ").trim() || "unknown error";
}

function messageOfErrorDocument(text: string): string | undefined {
  if (!text.trimStart().startsWith("{")) return undefined;
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    return typeof message === "string" ? message : undefined;
  } catch {
    return undefined;
  }
}
