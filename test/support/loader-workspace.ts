import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DuckDbWarehouse } from "../../scripts/warehouse/duckdb";

/** A temporary folder with a DuckDB warehouse in it, for the loader's tests. */
export interface LoaderWorkspace {
  dir: string;
  warehouse: DuckDbWarehouse;
  /** Writes a file in the folder (sub-paths allowed) and returns its path. */
  write(name: string, content: string | Buffer): string;
}

/**
 * Registers the describe block's before/after hooks: the folder and its warehouse exist from its
 * first test on, and are closed and removed after its last.
 */
export function useLoaderWorkspace(prefix: string, warehouseName: string): LoaderWorkspace {
  const workspace: LoaderWorkspace = {
    dir: "",
    warehouse: undefined as unknown as DuckDbWarehouse,
    write(name, content) {
      const file = path.join(workspace.dir, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
      return file;
    },
  };
  before(async () => {
    workspace.dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    workspace.warehouse = await DuckDbWarehouse.open(path.join(workspace.dir, warehouseName));
  });
  after(() => {
    try {
      workspace.warehouse?.close();
    } finally {
      if (workspace.dir) fs.rmSync(workspace.dir, { recursive: true, force: true });
    }
  });
  return workspace;
}

export function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}
