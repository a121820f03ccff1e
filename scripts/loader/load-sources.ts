import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Storage } from "@google-cloud/storage";
import { createStorage, downloadGcsObject, listGcsObjects, type GcsObject } from "../cloud/gcs";
import type { ProjectConfig } from "../config";
import { LoadError } from "../errors";
import type { DuckDbWarehouse } from "../warehouse/duckdb";
import { loadLocalFile, RAW_SCHEMA, type FileLoadResult, type LoadOptions } from "./duckdb-loader";

export interface SourcesLoadOptions extends Omit<LoadOptions, "identity"> {
  /** Where gs:// sources are read from (the Storage client's project and endpoint). */
  config?: Pick<ProjectConfig, "projectId" | "apiEndpoint">;
  /** A Storage client to use instead of one made from `config` (tests). */
  storage?: Storage;
}

/**
 * Lands local files and Cloud Storage objects into the DuckDB warehouse, in the order given. A local
 * file is identified by its name (as daily exports are), so two files of one name in one load would
 * replace each other: that is refused before anything lands. A gs:// object is identified by its URI
 * and versioned by its generation: an object already loaded at that generation is not even
 * downloaded; another is streamed down to a temporary file, loaded, and the file removed.
 */
export async function loadSources(
  warehouse: DuckDbWarehouse,
  sources: string[],
  onLoaded: (result: FileLoadResult) => void = () => undefined,
  options: SourcesLoadOptions = {}
): Promise<FileLoadResult[]> {
  refuseSameNames(sources.filter((source) => !source.startsWith("gs://")));
  const { config, storage: givenStorage, ...loadOptions } = options;
  let storage = givenStorage;
  const results: FileLoadResult[] = [];
  const land = async (file: string, load: () => Promise<FileLoadResult>) => {
    let result: FileLoadResult;
    try {
      result = await load();
    } finally {
      loadOptions.onProgress?.({ phase: "done", file });
    }
    onLoaded(result);
    results.push(result);
  };
  for (const source of sources) {
    if (!source.startsWith("gs://")) {
      await land(source, () => loadLocalFile(warehouse, source, loadOptions));
      continue;
    }
    storage ??= createStorage({ projectId: config?.projectId ?? "", ...(config?.apiEndpoint ? { apiEndpoint: config.apiEndpoint } : {}) });
    for (const object of await listGcsObjects(storage, source)) {
      const gcs = storage;
      await land(object.uri, () => loadGcsObject(warehouse, gcs, object, loadOptions));
    }
  }
  // Writing the landed rows through now is cheap; left to the end of a pipeline run, the same
  // checkpoint costs about a second per million lines more (measured with `ecom bench`).
  if (results.some((result) => result.status !== "unchanged")) await warehouse.run("CHECKPOINT");
  return results;
}

async function loadGcsObject(warehouse: DuckDbWarehouse, storage: Storage, object: GcsObject, options: Omit<LoadOptions, "identity">): Promise<FileLoadResult> {
  const identity = { sourceFile: object.uri, sourcePath: object.uri, checksum: object.generation, size: object.size };
  if (!options.force) {
    const unchanged = await loadedVersion(warehouse, object);
    if (unchanged) return unchanged;
  }
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "ecom-gcs-"));
  const file = path.join(directory, path.basename(object.name));
  try {
    await downloadGcsObject(storage, object, file, (bytesDone, bytesTotal) =>
      options.onProgress?.({ phase: "reading", file: object.uri, bytesDone, bytesTotal })
    );
    const result = await loadLocalFile(warehouse, file, { ...options, identity });
    return { ...result, file: object.uri };
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

/** The ledger's answer when this object generation is already loaded; undefined otherwise. */
async function loadedVersion(warehouse: DuckDbWarehouse, object: GcsObject): Promise<FileLoadResult | undefined> {
  const ledger = warehouse.table(RAW_SCHEMA, "load_ledger");
  if (!(await warehouse.tableExists(RAW_SCHEMA, "load_ledger"))) return undefined;
  const [latest] = await warehouse.query(
    `SELECT load_id, checksum, rows_loaded, malformed_lines FROM ${ledger} WHERE source_file = ? ORDER BY loaded_at DESC LIMIT 1`,
    [object.uri]
  );
  if (!latest || latest.checksum !== object.generation) return undefined;
  return {
    file: object.uri,
    sourceFile: object.uri,
    status: "unchanged",
    rows: Number(latest.rows_loaded),
    malformedLines: Number(latest.malformed_lines),
    loadId: String(latest.load_id),
    encoding: "utf-8",
    seconds: 0,
  };
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
