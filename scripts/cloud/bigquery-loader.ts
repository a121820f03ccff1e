import { randomUUID } from "node:crypto";
import type { BigQuery, Job, JobLoadMetadata, JobMetadata, Table } from "@google-cloud/bigquery";
import type { Storage } from "@google-cloud/storage";
import type { ProjectConfig } from "../config";
import { LoadError } from "../errors";
import { authLibrary, bigQueryLibrary } from "./google-libraries";
import { mapHeader } from "../loader/csv-header";
import { detectSampleEncoding, firstLine, type SourceEncoding } from "../loader/file-probe";
import retail = require("../../includes/retail");
import { formatCount } from "../format";
import { apiErrorCode, describeApiError, readGcsHead, type GcsObject } from "./gcs";
import { landingTablesStatement, landRowsStatement, latestLedgerStatement, rawTables, type RawTables } from "./bigquery-loader-sql";

export interface BigQueryLoadOptions {
  /** projectId, location, datasets.raw */
  config: ProjectConfig;
  /** Forced encoding; default: detected from the object's head (detectSampleEncoding). */
  encoding?: SourceEncoding;
  /** Reload even when the ledger has this generation. */
  force?: boolean;
  /** One line per step, for the CLI. */
  onProgress?: (line: string) => void;
}

export interface BigQueryLoadResult {
  uri: string;
  status: "loaded" | "replaced" | "unchanged";
  rows: number;
  loadId: string;
  encoding: SourceEncoding;
  /** The load job, when one ran. */
  jobId?: string;
}

/** Job ids start with this, so the project's jobs are easy to find in the job history. */
const JOB_PREFIX = "ecom_";
/** BigQuery's names for the two encodings a CSV load job reads. */
const LOAD_ENCODING: Record<SourceEncoding, string> = { "utf-8": "UTF-8", "latin-1": "ISO-8859-1" };

/**
 * A BigQuery client for the project, its jobs in the configured location. With an apiEndpoint (a
 * local stand-in) it sends no credentials: unlike Storage, the BigQuery client authenticates even
 * against a custom endpoint, so it is given google-auth-library's PassThroughClient, which adds no
 * header and asks nothing of Google.
 */
export function createBigQuery(config: ProjectConfig): BigQuery {
  const projectId = config.projectId || undefined;
  if (config.apiEndpoint) {
    return new (bigQueryLibrary().BigQuery)({ projectId, location: config.location, apiEndpoint: config.apiEndpoint, authClient: new (authLibrary().PassThroughClient)() });
  }
  return new (bigQueryLibrary().BigQuery)({ projectId, location: config.location });
}

/** What a head read tells about an object before anything runs in BigQuery. */
interface InspectedObject {
  object: GcsObject;
  encoding: SourceEncoding;
  /** The landing columns in the file's order. */
  columns: string[];
}

/** The ledger's latest entry for a URI. */
interface LedgerEntry {
  loadId: string;
  generation: string;
  rows: number;
}

/**
 * Lands Cloud Storage objects into the raw dataset's raw_sales with BigQuery load jobs, straight from
 * their gs:// URIs: only each object's head passes through this machine. Every header is checked
 * first, so a bad file refuses the whole batch before any job runs. Then, object by object: the
 * ledger says whether this generation is already landed; if not, a load job fills a per-load
 * table, and one transaction replaces the object's rows in raw_sales and adds its ledger row.
 */
export async function loadGcsIntoBigQuery(
  bigquery: BigQuery,
  storage: Storage,
  objects: GcsObject[],
  options: BigQueryLoadOptions
): Promise<BigQueryLoadResult[]> {
  const inspected: InspectedObject[] = [];
  for (const object of objects) inspected.push(await inspectObject(storage, object, options.encoding));
  if (inspected.length === 0) return [];

  const tables = rawTables(options.config.projectId, options.config.datasets.raw);
  await ensureRawTables(bigquery, tables, options.config.location);
  const results: BigQueryLoadResult[] = [];
  for (const item of inspected) results.push(await loadObject(bigquery, storage, item, tables, options));
  return results;
}

/** Reads an object's head for its encoding and header: a bad header is refused here, naming the URI and line 1. */
async function inspectObject(storage: Storage, object: GcsObject, forced: SourceEncoding | undefined): Promise<InspectedObject> {
  const head = await readGcsHead(storage, object);
  // A load job reads CSV only: a workbook or an archive (both zip files) would land as garbage lines.
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 0x03 || head[2] === 0x05)) {
    throw new LoadError(
      `${object.uri} is an Excel workbook or a zip archive, and BigQuery load jobs read CSV only. Land it with ` +
        "`ecom load --warehouse duckdb`, or export its sheets as CSV into the bucket. Nothing was loaded."
    );
  }
  const encoding = forced ?? detectSampleEncoding(head);
  const columns = mapHeader(firstLine(head, encoding), object.uri);
  return { object, encoding, columns };
}

/** Creates the landing tables of the data contract when absent, in one script job (DDL shared with the ingestion operation). */
async function ensureRawTables(bigquery: BigQuery, tables: RawTables, location: string): Promise<void> {
  const sql = landingTablesStatement(tables).sql;
  try {
    await runQuery(bigquery, sql, {}, location);
  } catch (error) {
    throw new LoadError(`Cannot create the landing tables in ${tables.dataset} (${describeApiError(error)}). Nothing was loaded.`, {
      cause: error,
    });
  }
}

async function loadObject(
  bigquery: BigQuery,
  storage: Storage,
  { object, encoding, columns }: InspectedObject,
  tables: RawTables,
  options: BigQueryLoadOptions
): Promise<BigQueryLoadResult> {
  const progress = options.onProgress ?? ((): void => undefined);
  const location = options.config.location;
  const previous = await latestLedgerEntry(bigquery, tables, object, location);
  if (previous && previous.generation === object.generation && !options.force) {
    progress(`${object.uri}: unchanged (generation ${object.generation} already loaded, ${formatCount(previous.rows)} rows)`);
    return { uri: object.uri, status: "unchanged", rows: previous.rows, loadId: previous.loadId, encoding };
  }

  const loadId = randomUUID();
  const perLoadId = `_load_${loadId.replace(/-/g, "")}`;
  const perLoadTable = bigquery.dataset(tables.dataset).table(perLoadId);
  try {
    const { jobId, rows } = await runLoadJob(storage, perLoadTable, object, encoding, columns, location, progress);
    await landRows(bigquery, tables, perLoadId, object, loadId, location);
    const status = previous && previous.generation !== object.generation ? "replaced" : "loaded";
    progress(`${object.uri}: ${formatCount(rows)} rows landed in ${tables.rawSales.replace(/`/g, "")} (${status}, load ${loadId})`);
    return { uri: object.uri, status, rows, loadId, encoding, jobId };
  } finally {
    await dropPerLoadTable(perLoadTable, object, progress);
  }
}

async function latestLedgerEntry(bigquery: BigQuery, tables: RawTables, object: GcsObject, location: string): Promise<LedgerEntry | undefined> {
  const { sql } = latestLedgerStatement(tables);
  let rows: unknown[];
  try {
    rows = await runQuery(bigquery, sql, { uri: text(object.uri) }, location);
  } catch (error) {
    throw new LoadError(`${object.uri}: cannot read the load ledger (${describeApiError(error)}). Nothing was loaded.`, { cause: error });
  }
  const row = rows[0] as { load_id?: unknown; checksum?: unknown; rows_loaded?: unknown } | undefined;
  if (!row) return undefined;
  return { loadId: String(row.load_id), generation: String(row.checksum), rows: Number(row.rows_loaded) };
}

/** Runs a load job from the object's URI into the per-load table and waits for it. */
async function runLoadJob(
  storage: Storage,
  perLoadTable: Table,
  object: GcsObject,
  encoding: SourceEncoding,
  columns: string[],
  location: string,
  progress: (line: string) => void
): Promise<{ jobId: string; rows: number }> {
  const metadata: JobLoadMetadata = {
    sourceFormat: "CSV",
    skipLeadingRows: 1,
    encoding: LOAD_ENCODING[encoding],
    allowQuotedNewlines: true,
    fieldDelimiter: ",",
    quote: '"',
    // Every column as text, in the file's order: the load keeps the values exactly as written.
    schema: { fields: columns.map((name) => ({ name, type: "STRING", mode: "NULLABLE" })) },
    writeDisposition: "WRITE_TRUNCATE",
    createDisposition: "CREATE_IF_NEEDED",
    // One bad line fails the job: a file lands whole or not at all, as locally.
    maxBadRecords: 0,
    location,
    jobPrefix: `${JOB_PREFIX}load_`,
  };
  let job: Job;
  try {
    [job] = await perLoadTable.createLoadJob(storage.bucket(object.bucket).file(object.name), metadata);
  } catch (error) {
    throw new LoadError(`${object.uri}: cannot start a BigQuery load job (${jobErrorMessages(error)}). Nothing was loaded.`, { cause: error });
  }
  const jobId = job.id ?? "";
  progress(`${object.uri}: load job ${jobId} running (${LOAD_ENCODING[encoding]})`);
  try {
    await job.promise();
  } catch (error) {
    throw new LoadError(`${object.uri}: load job ${jobId} failed, nothing was loaded: ${jobErrorMessages(error, job)}`, { cause: error });
  }
  const rows = Number((job.metadata as JobMetadata | undefined)?.statistics?.load?.outputRows ?? 0);
  progress(`${object.uri}: load job ${jobId} done, ${formatCount(rows)} rows`);
  return { jobId, rows };
}

/**
 * Replaces the object's rows in raw_sales with the per-load table's and records the load in the
 * ledger, in one transaction: if any statement fails, raw_sales and the ledger stay as they were.
 */
async function landRows(bigquery: BigQuery, tables: RawTables, perLoadId: string, object: GcsObject, loadId: string, location: string): Promise<void> {
  const { sql } = landRowsStatement(tables, perLoadId);
  const params = {
    uri: text(object.uri),
    load_id: text(loadId),
    size: { type: "INT64", value: String(object.size) } as const,
    generation: text(object.generation),
  };
  try {
    await runQuery(bigquery, sql, params, location);
  } catch (error) {
    throw new LoadError(
      `${object.uri}: landing the loaded rows failed (${jobErrorMessages(error)}). The transaction was rolled back: raw_sales and the ledger are unchanged.`,
      { cause: error }
    );
  }
}

/** Drops the per-load table; it may not exist (a failed load job creates none). A failed drop is reported, not thrown. */
async function dropPerLoadTable(table: Table, object: GcsObject, progress: (line: string) => void): Promise<void> {
  try {
    await table.delete();
  } catch (error) {
    if (apiErrorCode(error) === 404) return;
    progress(`${object.uri}: could not drop the temporary table ${table.dataset.id ?? ""}.${table.id ?? ""} (${describeApiError(error)}); drop it by hand.`);
  }
}

/** A named query parameter: its BigQuery type and its value (the API carries every value as a string). */
interface NamedParam {
  type: "STRING" | "INT64";
  value: string;
}

/**
 * Runs one query job (a statement or a script) with named parameters, waits for it, and returns its
 * rows. Parameters are sent as the API's queryParameters, typed explicitly: the client would guess
 * types from JavaScript values and send extra fields.
 */
async function runQuery(bigquery: BigQuery, query: string, params: Record<string, NamedParam>, location: string): Promise<unknown[]> {
  const queryParameters = Object.entries(params).map(([name, { type, value }]) => ({
    name,
    parameterType: { type },
    parameterValue: { value },
  }));
  const [job] = await bigquery.createQueryJob({
    query,
    location,
    jobPrefix: `${JOB_PREFIX}query_`,
    ...(queryParameters.length > 0 ? { parameterMode: "NAMED", queryParameters } : {}),
  });
  const [rows] = await job.getQueryResults();
  return rows as unknown[];
}

function text(value: string): NamedParam {
  return { type: "STRING", value };
}

/**
 * The messages of a failed job, on one line. BigQuery puts what went wrong and where (file, line,
 * byte offset, column) in status.errors[].message; the client's error joins them less readably.
 */
function jobErrorMessages(error: unknown, job?: Job): string {
  const statusErrors: { message?: string | null }[] | undefined = (job?.metadata as JobMetadata | undefined)?.status?.errors ?? undefined;
  const fromStatus = statusErrors ?? (error as { errors?: { message?: string }[] } | null)?.errors ?? [];
  const messages = [...new Set(fromStatus.map((entry) => entry.message ?? "").filter((message) => message !== ""))];
  return messages.length > 0 ? messages.join("; ") : describeApiError(error);
}
