import { createHash } from "node:crypto";
import * as diagnosticsChannel from "node:diagnostics_channel";
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import * as zlib from "node:zlib";
import { CRC32C } from "@google-cloud/storage";

/**
 * A stand-in for the parts of Cloud Storage (JSON API v1) and BigQuery (REST v2) that the project's
 * GCP code calls, on 127.0.0.1. It records every request for assertions and keeps just enough state
 * (objects, jobs, tables) to answer like the real services; queries are answered by a hook.
 * Served, as the installed clients send them:
 *   GET    /storage/v1/b/:bucket/o?prefix=...            objects.list
 *   GET    /storage/v1/b/:bucket/o/:object               objects.get (metadata)
 *   GET    /storage/v1/b/:bucket/o/:object?alt=media     download, honouring Range and generation
 *   POST   /bigquery/v2/projects/:p/jobs                 jobs.insert (load and query jobs)
 *   GET    /bigquery/v2/projects/:p/jobs/:id             jobs.get (how the client waits for a load job)
 *   GET    /bigquery/v2/projects/:p/queries/:id          jobs.getQueryResults
 *   DELETE /bigquery/v2/projects/:p/datasets/:d/tables/:t  tables.delete
 *
 * While it runs, the process is isolated from Google: GOOGLE_APPLICATION_CREDENTIALS points to a file
 * that does not exist (so any attempt to load credentials fails the request), the metadata server
 * is this server (so a probe for it is recorded, not sent), and every outgoing TCP connection of the
 * process to anywhere but loopback is recorded in `foreignConnections`.
 */

export interface RecordedRequest {
  method: string;
  /** The path as sent, still percent-encoded (`/storage/v1/b/bucket/o/raw%2Fx.csv`). */
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  /** The JSON body, parsed; undefined when there is none. */
  body: unknown;
}

export interface StoredObject {
  data: Buffer;
  generation: string;
  contentType: string;
}

/** Named query parameters as the client sent them: name -> value (all values travel as strings). */
export type QueryParams = Record<string, string | null>;
export type QueryRow = Record<string, string | number | null>;
/** What a query job answers: rows (column types inferred: number -> INT64, else STRING), or a failure. */
export type QueryAnswer = { rows: QueryRow[] } | { error: string };

export interface QueryParameter {
  name?: string;
  parameterType: { type: string };
  parameterValue: { value?: string | null };
}

export interface LoadConfiguration {
  sourceUris?: string[];
  destinationTable?: { projectId: string; datasetId: string; tableId: string };
  skipLeadingRows?: number;
  [option: string]: unknown;
}

export interface QueryConfiguration {
  query: string;
  useLegacySql?: boolean;
  parameterMode?: string;
  queryParameters?: QueryParameter[];
  [option: string]: unknown;
}

export interface JobInsertBody {
  jobReference: { projectId: string; jobId: string; location?: string };
  configuration: { load?: LoadConfiguration; query?: QueryConfiguration; [kind: string]: unknown };
}

interface ErrorProto {
  reason: string;
  message: string;
  location?: string;
}

interface JobStatus {
  state: "RUNNING" | "DONE";
  errorResult?: ErrorProto;
  errors?: ErrorProto[];
}

interface StoredJob {
  jobReference: { projectId: string; jobId: string; location: string };
  configuration: JobInsertBody["configuration"];
  status: JobStatus;
  statistics: Record<string, unknown>;
  rows: QueryRow[];
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1", "localhost"]);

export class FakeGcp {
  readonly requests: RecordedRequest[] = [];
  /** Hosts or addresses the process tried to reach other than loopback: must stay empty. */
  readonly foreignConnections: string[] = [];
  readonly buckets = new Map<string, Map<string, StoredObject>>();
  readonly jobs = new Map<string, StoredJob>();
  /** Tables created by load jobs, as dataset.table, until deleted. */
  readonly tables = new Set<string>();
  /** Objects whose media download is cut off after half of the bytes. */
  readonly cutDownloads = new Set<string>();
  /** Answers every query job. Default: no rows. */
  onQuery: (sql: string, params: QueryParams) => QueryAnswer = () => ({ rows: [] });
  /** Decides a load job's fate: error messages to fail it, undefined to run it. */
  onLoadJob: (load: LoadConfiguration) => string[] | undefined = () => undefined;

  private nextGeneration = 1_700_000_000_000_001;
  private readonly savedEnv = new Map<string, string | undefined>();
  private readonly watchSocket = (message: unknown): void => this.watchConnection((message as { socket: Socket }).socket);

  private constructor(private readonly server: http.Server) {}

  /** Starts a stand-in on 127.0.0.1 on a free port, and isolates the process from Google until stop(). */
  static async start(): Promise<FakeGcp> {
    let fake: FakeGcp | undefined;
    const server = http.createServer((req, res) => {
      fake?.handle(req, res).catch((error: unknown) => sendError(res, 500, `stand-in failure: ${String(error)}`));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    fake = new FakeGcp(server);
    fake.isolate();
    return fake;
  }

  /** The apiEndpoint to give both clients: http://127.0.0.1:<port>. */
  get endpoint(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    diagnosticsChannel.unsubscribe("net.client.socket", this.watchSocket);
    for (const [name, value] of this.savedEnv) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Stores an object (a new generation each time, as Cloud Storage does) and returns its generation. */
  putObject(bucket: string, name: string, data: Buffer | string, contentType = "text/csv"): string {
    const generation = String(this.nextGeneration++);
    const objects = this.buckets.get(bucket) ?? new Map<string, StoredObject>();
    objects.set(name, { data: Buffer.isBuffer(data) ? data : Buffer.from(data, "utf8"), generation, contentType });
    this.buckets.set(bucket, objects);
    return generation;
  }

  /** Forgets recorded requests (state stays). */
  clearRequests(): void {
    this.requests.length = 0;
  }

  /** "GET /storage/v1/b/bucket/o?prefix=raw/" style lines of the requests so far, for compact assertions. */
  requestLines(filter: (request: RecordedRequest) => boolean = () => true): string[] {
    return this.requests.filter(filter).map((request) => {
      const query = new URLSearchParams(request.query).toString();
      return `${request.method} ${request.path}${query ? `?${query}` : ""}`;
    });
  }

  /** The bodies of jobs.insert calls, in order, optionally only load or query jobs. */
  jobInserts(kind?: "load" | "query"): JobInsertBody[] {
    return this.requests
      .filter((request) => request.method === "POST" && /^\/bigquery\/v2\/projects\/[^/]+\/jobs$/.test(request.path))
      .map((request) => request.body as JobInsertBody)
      .filter((body) => kind === undefined || body.configuration[kind] !== undefined);
  }

  private isolate(): void {
    const { port } = this.server.address() as AddressInfo;
    this.setEnv("GOOGLE_APPLICATION_CREDENTIALS", "/nonexistent/ecom-test-credentials.json");
    this.setEnv("GCE_METADATA_HOST", `127.0.0.1:${port}`);
    this.setEnv("GCE_METADATA_IP", `127.0.0.1:${port}`);
    diagnosticsChannel.subscribe("net.client.socket", this.watchSocket);
  }

  private setEnv(name: string, value: string): void {
    if (!this.savedEnv.has(name)) this.savedEnv.set(name, process.env[name]);
    process.env[name] = value;
  }

  /** Records a socket's destination when it is not loopback: by name when looked up, by address when tried. */
  private watchConnection(socket: Socket): void {
    socket.once("lookup", (_error: Error | null, _address: string, _family: number | string, host: string) => {
      if (!LOOPBACK.has(host)) this.foreignConnections.push(host);
    });
    socket.once("connectionAttempt", (ip: string, port: number) => {
      if (!LOOPBACK.has(ip)) this.foreignConnections.push(`${ip}:${port}`);
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const text = await readBody(req);
    const request: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: text === "" ? undefined : parseJson(text),
    };
    this.requests.push(request);
    const segments = url.pathname.split("/").slice(1).map(decodeURIComponent);
    if (segments[0] === "storage" && segments[1] === "v1") return this.handleStorage(request, segments.slice(2), req, res);
    if (segments[0] === "bigquery" && segments[1] === "v2") return this.handleBigQuery(request, segments.slice(2), res);
    sendError(res, 404, `The stand-in does not serve ${request.method} ${request.path}`);
  }

  // ---- Cloud Storage JSON API ----

  private handleStorage(request: RecordedRequest, segments: string[], req: http.IncomingMessage, res: http.ServerResponse): void {
    const [b, bucketName, o, objectName, ...rest] = segments;
    if (request.method !== "GET" || b !== "b" || bucketName === undefined || o !== "o" || rest.length > 0) {
      return sendError(res, 501, `The stand-in does not serve ${request.method} ${request.path}`);
    }
    const bucket = this.buckets.get(bucketName);
    if (!bucket) return sendError(res, 404, "The specified bucket does not exist.");
    if (objectName === undefined || objectName === "") return this.listObjects(res, bucketName, bucket, request.query.prefix ?? "");
    const object = bucket.get(objectName);
    const wanted = request.query.generation;
    if (!object || (wanted !== undefined && wanted !== object.generation)) {
      return sendError(res, 404, `No such object: ${bucketName}/${objectName}`);
    }
    if (request.query.alt === "media") return this.sendMedia(res, req.headers.range, objectName, object);
    sendJson(res, 200, objectResource(bucketName, objectName, object));
  }

  private listObjects(res: http.ServerResponse, bucketName: string, bucket: Map<string, StoredObject>, prefix: string): void {
    const items = [...bucket.entries()]
      .filter(([name]) => name.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, object]) => objectResource(bucketName, name, object));
    sendJson(res, 200, { kind: "storage#objects", ...(items.length > 0 ? { items } : {}) });
  }

  /** The object's bytes as stored, honouring `Range: bytes=a-b`, or cut off halfway when asked to. */
  private sendMedia(res: http.ServerResponse, range: string | undefined, name: string, object: StoredObject): void {
    const size = object.data.length;
    const headers: http.OutgoingHttpHeaders = {
      "content-type": object.contentType,
      "x-goog-generation": object.generation,
      "x-goog-stored-content-encoding": "identity",
      "x-goog-stored-content-length": String(size),
    };
    const match = range ? /^bytes=(\d+)-(\d*)$/.exec(range) : null;
    if (match) {
      const start = Number(match[1]);
      const end = Math.min(match[2] ? Number(match[2]) : size - 1, size - 1);
      if (start >= size) return sendError(res, 416, "The requested range cannot be satisfied.");
      const part = object.data.subarray(start, end + 1);
      res.writeHead(206, { ...headers, "content-range": `bytes ${start}-${end}/${size}`, "content-length": part.length });
      res.end(part);
      return;
    }
    headers["x-goog-hash"] = `crc32c=${crc32cOf(object.data)},md5=${createHash("md5").update(object.data).digest("base64")}`;
    res.writeHead(200, { ...headers, "content-length": size });
    if (this.cutDownloads.has(name)) {
      // Half the promised bytes, then a dropped connection: what a network failure mid-download looks like.
      res.write(object.data.subarray(0, Math.floor(size / 2)), () => res.socket?.destroy());
      return;
    }
    res.end(object.data);
  }

  // ---- BigQuery REST v2 ----

  private handleBigQuery(request: RecordedRequest, segments: string[], res: http.ServerResponse): void {
    const [projects, projectId, collection, id, sub, tableId] = segments;
    if (projects !== "projects" || projectId === undefined) return sendError(res, 404, `Unknown path ${request.path}`);
    const route = `${request.method} ${collection ?? ""}${id === undefined ? "" : "/:id"}${sub === undefined ? "" : `/${sub}/:id`}`;
    switch (route) {
      case "POST jobs":
        return this.insertJob(res, projectId, request.body as JobInsertBody);
      case "GET jobs/:id":
        return this.withJob(res, id, (job) => sendJson(res, 200, jobResource(job)));
      case "GET queries/:id":
        return this.withJob(res, id, (job) => this.sendQueryResults(res, job));
      case "DELETE datasets/:id/tables/:id":
        return this.deleteTable(res, projectId, `${id ?? ""}.${tableId ?? ""}`);
      default:
        sendError(res, 501, `The stand-in does not serve ${request.method} ${request.path}`);
    }
  }

  /** jobs.insert: the job runs at once; the answer says RUNNING (as BigQuery's usually does), jobs.get says DONE. */
  private insertJob(res: http.ServerResponse, projectId: string, body: JobInsertBody): void {
    const reference = { projectId, jobId: body.jobReference.jobId, location: body.jobReference.location ?? "US" };
    if (this.jobs.has(reference.jobId)) return sendError(res, 409, `Already Exists: Job ${projectId}:${reference.location}.${reference.jobId}`);
    const job: StoredJob = { jobReference: reference, configuration: body.configuration, status: { state: "DONE" }, statistics: {}, rows: [] };
    if (body.configuration.load) this.runLoad(job, body.configuration.load);
    else if (body.configuration.query) this.runQuery(job, body.configuration.query);
    else job.status = failedStatus("invalid", "The stand-in runs load and query jobs only.");
    this.jobs.set(reference.jobId, job);
    sendJson(res, 200, { ...jobResource(job), status: { state: "RUNNING" } });
  }

  private runLoad(job: StoredJob, load: LoadConfiguration): void {
    const refused = this.onLoadJob(load);
    if (refused) {
      job.status = { state: "DONE", errorResult: errorProto(refused[0] ?? "Load failed."), errors: refused.map((message) => errorProto(message)) };
      return;
    }
    let records = 0;
    for (const uri of load.sourceUris ?? []) {
      const object = this.objectAt(uri);
      if (!object) {
        job.status = failedStatus("notFound", `Not found: URI ${uri}`);
        return;
      }
      records += Math.max(0, countCsvRecords(gunzipIfGzip(object.data)) - (load.skipLeadingRows ?? 0));
    }
    const table = load.destinationTable;
    if (table) this.tables.add(`${table.datasetId}.${table.tableId}`);
    job.statistics = { load: { inputFiles: String(load.sourceUris?.length ?? 0), outputRows: String(records), badRecords: "0" } };
  }

  private runQuery(job: StoredJob, query: QueryConfiguration): void {
    const answer = this.onQuery(query.query, paramsOf(query.queryParameters));
    if ("error" in answer) job.status = failedStatus("invalidQuery", answer.error);
    else job.rows = answer.rows;
    job.statistics = { query: { statementType: /^\s*SELECT/i.test(query.query) ? "SELECT" : "SCRIPT" } };
  }

  private sendQueryResults(res: http.ServerResponse, job: StoredJob): void {
    if (job.status.errorResult) return sendError(res, 400, job.status.errorResult.message, job.status.errorResult.reason);
    sendJson(res, 200, { kind: "bigquery#getQueryResultsResponse", jobReference: job.jobReference, jobComplete: true, ...resultSet(job.rows) });
  }

  private deleteTable(res: http.ServerResponse, projectId: string, table: string): void {
    if (!this.tables.delete(table)) return sendError(res, 404, `Not found: Table ${projectId}:${table}`, "notFound");
    res.writeHead(204).end();
  }

  private withJob(res: http.ServerResponse, id: string | undefined, answer: (job: StoredJob) => void): void {
    const job = id === undefined ? undefined : this.jobs.get(id);
    if (!job) return sendError(res, 404, `Not found: Job ${id ?? ""}`, "notFound");
    answer(job);
  }

  private objectAt(uri: string): StoredObject | undefined {
    const match = /^gs:\/\/([^/]+)\/(.+)$/.exec(uri);
    return match ? this.buckets.get(match[1] ?? "")?.get(match[2] ?? "") : undefined;
  }
}

/**
 * Records in a CSV text: line feeds outside double quotes, plus an unterminated last line. Enough
 * to tell how many rows a load job would write.
 */
export function countCsvRecords(data: Buffer): number {
  let records = 0;
  let quoted = false;
  for (const byte of data) {
    if (byte === 0x22) quoted = !quoted;
    else if (byte === 0x0a && !quoted) records += 1;
  }
  const last = data[data.length - 1];
  return data.length > 0 && last !== 0x0a ? records + 1 : records;
}

function gunzipIfGzip(data: Buffer): Buffer {
  return data[0] === 0x1f && data[1] === 0x8b ? zlib.gunzipSync(data) : data;
}

function paramsOf(parameters: QueryParameter[] | undefined): QueryParams {
  const params: QueryParams = {};
  for (const parameter of parameters ?? []) params[parameter.name ?? ""] = parameter.parameterValue.value ?? null;
  return params;
}

function resultSet(rows: QueryRow[]): Record<string, unknown> {
  const columns = Object.keys(rows[0] ?? {});
  const fields = columns.map((name) => ({ name, type: typeof rows[0]?.[name] === "number" ? "INTEGER" : "STRING", mode: "NULLABLE" }));
  return {
    schema: { fields },
    rows: rows.map((row) => ({ f: columns.map((name) => ({ v: row[name] === null || row[name] === undefined ? null : String(row[name]) })) })),
    totalRows: String(rows.length),
  };
}

function jobResource(job: StoredJob): Record<string, unknown> {
  const { projectId, location, jobId } = job.jobReference;
  return {
    kind: "bigquery#job",
    id: `${projectId}:${location}.${jobId}`,
    jobReference: job.jobReference,
    configuration: job.configuration,
    status: job.status,
    statistics: job.statistics,
  };
}

function objectResource(bucket: string, name: string, object: StoredObject): Record<string, unknown> {
  return {
    kind: "storage#object",
    id: `${bucket}/${name}/${object.generation}`,
    name,
    bucket,
    generation: object.generation,
    metageneration: "1",
    contentType: object.contentType,
    size: String(object.data.length),
    md5Hash: createHash("md5").update(object.data).digest("base64"),
    crc32c: crc32cOf(object.data),
    storageClass: "STANDARD",
  };
}

/** Base64 CRC32C, as Cloud Storage reports it (the client checks downloads against it). */
function crc32cOf(data: Buffer): string {
  const crc = new CRC32C();
  crc.update(data);
  return crc.toString();
}

function errorProto(message: string, reason = "invalid"): ErrorProto {
  return { reason, message };
}

function failedStatus(reason: string, message: string): JobStatus {
  return { state: "DONE", errorResult: errorProto(message, reason), errors: [errorProto(message, reason)] };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** A Google API error body: { error: { code, message, errors: [{ message, reason, domain }] } }. */
function sendError(res: http.ServerResponse, status: number, message: string, reason = "invalid"): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { error: { code: status, message, errors: [{ message, reason, domain: "global" }] } });
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
