import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Storage } from "@google-cloud/storage";
import { createStorage, downloadGcsObject, listGcsObjects, type GcsObject } from "../cloud/gcs";
import type { ProjectConfig } from "../config";
import { LoadError } from "../errors";
import type { Warehouse } from "../warehouse/warehouse";
import { loadLocalFile, RAW_SCHEMA, unchangedResult, type FileIdentity, type FileLoadResult, type LoadOptions } from "./duckdb-loader";
import { sniffFile } from "./file-kind";
import { loadWorkbook } from "./workbook-loader";
import { classifyZip, extractMembers } from "./zip-archive";

export interface SourcesLoadOptions extends Omit<LoadOptions, "identity"> {
  /** Where gs:// sources are read from (the Storage client's project and endpoint). */
  config?: Pick<ProjectConfig, "projectId" | "apiEndpoint">;
  /** A Storage client to use instead of one made from `config` (tests). */
  storage?: Storage;
  /** Called as each file starts, with its name (what an interruption reports as in progress). */
  onStart?: (file: string) => void;
  /** Called with each file's result, as onLoaded is (for a tracker beside the printing). */
  onResult?: (result: FileLoadResult) => void;
}

/** The files inside an archive that load: exports and workbooks. */
const MEMBER_FILE = /\.(csv|csv\.gz|xlsx)$/i;

/**
 * Lands local files and Cloud Storage objects into the DuckDB warehouse, in the order given. Every
 * source is tried: a refused file is reported (status "refused", with why) and the next is tried;
 * each file lands whole or not at all, on its own. A local file is identified by its name (as daily
 * exports are), so two files of one name in one load would replace each other: that is refused
 * before anything lands. A gs:// object is identified by its URI and versioned by its generation:
 * an object already loaded at that generation is not even downloaded; another is streamed down to a
 * temporary file, loaded, and the file removed. Zip archives load member by member, workbooks
 * sheet by sheet.
 */
export async function loadSources(
  warehouse: Warehouse,
  sources: string[],
  onLoaded: (result: FileLoadResult) => void = () => undefined,
  options: SourcesLoadOptions = {}
): Promise<FileLoadResult[]> {
  refuseSameNames(sources.filter((source) => !source.startsWith("gs://")));
  const { config, storage: givenStorage, onStart, onResult, ...loadOptions } = options;
  let storage = givenStorage;
  const results: FileLoadResult[] = [];
  const report = (result: FileLoadResult) => {
    onLoaded(result);
    onResult?.(result);
    results.push(result);
  };
  const land = async (file: string, load: () => Promise<FileLoadResult[]>) => {
    onStart?.(file);
    let landed: FileLoadResult[];
    try {
      landed = await load();
    } catch (error) {
      if (!(error instanceof LoadError)) throw error;
      landed = [refused(file, error)];
    } finally {
      loadOptions.onProgress?.({ phase: "done", file });
    }
    for (const result of landed) report(result);
  };
  for (const source of sources) {
    if (!source.startsWith("gs://")) {
      await land(source, () => loadFile(warehouse, source, loadOptions));
      continue;
    }
    storage ??= createStorage({ projectId: config?.projectId ?? "", ...(config?.apiEndpoint ? { apiEndpoint: config.apiEndpoint } : {}) });
    let objects: GcsObject[];
    try {
      objects = await listGcsObjects(storage, source);
    } catch (error) {
      if (!(error instanceof LoadError)) throw error;
      report(refused(source, error));
      continue;
    }
    for (const object of objects) {
      const gcs = storage;
      await land(object.uri, () => loadGcsObject(warehouse, gcs, object, loadOptions));
    }
  }
  // Writing the landed rows through now is cheap; left to the end of a pipeline run, the same
  // checkpoint costs about a second per million lines more (measured with `ecom bench`).
  if (results.some((result) => result.status === "loaded" || result.status === "replaced")) await warehouse.run("CHECKPOINT");
  return results;
}

/** The result of a refused file: nothing of it landed. */
export function refused(file: string, error: LoadError): FileLoadResult {
  return { file, sourceFile: file, status: "refused", rows: 0, malformedLines: 0, repeatedHeaders: 0, loadId: "", encoding: "utf-8", seconds: 0, error };
}

/**
 * Lands one local file of any kind the loader reads: a CSV (see loadLocalFile), an .xlsx workbook
 * (one file version per sheet, `book.xlsx#Sheet`), or a zip archive (one file version per member,
 * `archive.zip/member`, each landing or refused on its own). `options.identity` names a file that
 * came from elsewhere (a GCS object, a zip member).
 */
export async function loadFile(warehouse: Warehouse, file: string, options: Omit<LoadOptions, "identity"> & { identity?: FileIdentity } = {}): Promise<FileLoadResult[]> {
  const label = options.identity?.sourcePath.startsWith("gs://") ? options.identity.sourcePath : file;
  if (sniffFile(file, options.encoding) !== "zip") return [await loadLocalFile(warehouse, file, options)];
  const zip = await classifyZip(file);
  if (zip.kind === "other") throw new LoadError(`${label} is ${zip.what}, not a CSV file or an Excel workbook. ${zip.advice} Nothing was loaded from it.`);
  if (zip.kind === "xlsx") return loadWorkbook(warehouse, file, label, options);
  return loadArchive(warehouse, file, label, zip.members, options);
}

async function loadArchive(
  warehouse: Warehouse,
  file: string,
  label: string,
  members: string[],
  options: Omit<LoadOptions, "identity"> & { identity?: FileIdentity }
): Promise<FileLoadResult[]> {
  const loadable = members.filter((name) => MEMBER_FILE.test(name));
  if (loadable.length === 0) {
    const shown = members.slice(0, 5).join(", ") + (members.length > 5 ? `, ... (${members.length} in all)` : "");
    throw new LoadError(`${label}: the zip archive holds no .csv, .csv.gz or .xlsx file (it holds: ${shown || "nothing"}). Nothing was loaded from it.`);
  }
  const archiveName = options.identity?.sourceFile ?? path.basename(file);
  const archivePath = options.identity?.sourcePath ?? path.resolve(file);
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "ecom-zip-"));
  try {
    const extracted = await extractMembers(file, directory, (name) => loadable.includes(name));
    const results: FileLoadResult[] = [];
    for (const member of extracted) {
      const identity: FileIdentity = {
        sourceFile: `${archiveName}/${member.name}`,
        sourcePath: `${archivePath}/${member.name}`,
        checksum: member.checksum,
        size: member.size,
        contentChecksum: true,
      };
      // A member is a file of its own: refused alone, named as in the archive.
      try {
        const landed = await loadFile(warehouse, member.file, { ...options, identity });
        results.push(...landed.map((result) => ({ ...result, file: `${label}/${member.name}` })));
      } catch (error) {
        if (!(error instanceof LoadError)) throw error;
        const named = new LoadError(error.message.split(member.file).join(`${label}/${member.name}`), { cause: error.cause });
        results.push(refused(`${label}/${member.name}`, named));
      }
    }
    return results;
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

async function loadGcsObject(warehouse: Warehouse, storage: Storage, object: GcsObject, options: Omit<LoadOptions, "identity">): Promise<FileLoadResult[]> {
  const identity = { sourceFile: object.uri, sourcePath: object.uri, checksum: object.generation, size: object.size };
  if (!options.force) {
    const unchanged = await loadedVersions(warehouse, object);
    if (unchanged.length > 0) return unchanged;
  }
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "ecom-gcs-"));
  const file = path.join(directory, path.basename(object.name));
  try {
    await downloadGcsObject(storage, object, file, (bytesDone, bytesTotal) =>
      options.onProgress?.({ phase: "reading", file: object.uri, bytesDone, bytesTotal })
    );
    const results = await loadFile(warehouse, file, { ...options, identity });
    return results.map((result) => ({ ...result, file: object.uri }));
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * The ledger's answer when this object generation is already loaded (for a workbook, the sheets it
 * landed); none otherwise. An archive's members are versioned by their content, so it is downloaded.
 */
async function loadedVersions(warehouse: Warehouse, object: GcsObject): Promise<FileLoadResult[]> {
  const ledger = warehouse.table(RAW_SCHEMA, "load_ledger");
  if (!(await warehouse.tableExists(RAW_SCHEMA, "load_ledger"))) return [];
  const latest = await warehouse.query(
    `SELECT source_file, load_id, checksum, rows_loaded, malformed_lines FROM (
       SELECT *, ROW_NUMBER() OVER (PARTITION BY source_file ORDER BY loaded_at DESC) AS version FROM ${ledger}
       WHERE source_file = ? OR starts_with(source_file, ? || '#')
     ) WHERE version = 1 ORDER BY source_file`,
    [object.uri, object.uri]
  );
  // A workbook's sheets record `<generation>#<sheet>` (all landed in one transaction); a plain object its generation.
  const same = latest.filter((row) =>
    row.source_file === object.uri ? row.checksum === object.generation : String(row.checksum).startsWith(`${object.generation}#`)
  );
  return same.map((row) => unchangedResult(row, object.uri, "utf-8", 0));
}

function refuseSameNames(files: string[]): void {
  const byName = new Map<string, string[]>();
  for (const file of files) byName.set(path.basename(file), [...(byName.get(path.basename(file)) ?? []), file]);
  for (const [name, same] of byName) {
    if (same.length > 1) {
      throw new LoadError(
        `${same.length} files are named ${name} (${same.join(", ")}). A file is identified by its name, so each would ` +
          "replace the one loaded before it. Rename them (e.g. sales-2010.csv, sales-2011.csv) and load again; nothing was loaded."
      );
    }
  }
}
