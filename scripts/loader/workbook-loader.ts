import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LoadError } from "../errors";
import { secondsSince, startTimer } from "../timing";
import type { Warehouse } from "../warehouse/warehouse";
import { RECORD_COLUMN } from "./clean-csv";
import {
  commitUnits,
  describeBadLines,
  ensureRawTables,
  landCleanFile,
  localIdentity,
  newLandingTable,
  RAW_SCHEMA,
  type FileIdentity,
  type FileLoadResult,
  type LandedUnit,
  type LoadOptions,
  unchangedResult,
} from "./duckdb-loader";
import { extractWorkbook } from "./xlsx-reader";

/**
 * Lands an .xlsx workbook: every sheet whose first row is the Online Retail header (Online Retail II
 * has one per year) is a file version of its own, `book.xlsx#Sheet name`, its rows numbered by sheet
 * row. The workbook is one file: all its sheets land in one transaction, or none; the same workbook
 * again is unchanged; a changed one replaces every sheet it had. Sheets of other content are left
 * out and said so.
 */
export async function loadWorkbook(
  warehouse: Warehouse,
  file: string,
  label: string,
  options: Omit<LoadOptions, "identity"> & { identity?: FileIdentity }
): Promise<FileLoadResult[]> {
  const started = startTimer();
  const book = options.identity ?? localIdentity(file, await sha256File(file), fs.statSync(file).size);
  await ensureRawTables(warehouse);
  const ledger = warehouse.table(RAW_SCHEMA, "load_ledger");
  const latest = await warehouse.query(
    `SELECT source_file, load_id, checksum, rows_loaded, malformed_lines FROM (
       SELECT *, ROW_NUMBER() OVER (PARTITION BY source_file ORDER BY loaded_at DESC) AS version FROM ${ledger}
     ) WHERE version = 1 AND (starts_with(source_file, ? || '#') OR starts_with(checksum, ? || '#')) ORDER BY source_file`,
    [book.sourceFile, book.checksum]
  );
  const ownSheets = latest.filter((row) => String(row.source_file).startsWith(`${book.sourceFile}#`));
  const thisVersion = ownSheets.filter((row) => String(row.checksum).startsWith(`${book.checksum}#`));
  if (thisVersion.length > 0 && !options.force) {
    return thisVersion.map((row) => unchangedResult(row, label, "xlsx", secondsSince(started)));
  }
  const copy = latest.find((row) => !String(row.source_file).startsWith(`${book.sourceFile}#`));
  if (copy && book.contentChecksum && !options.allowCopies) {
    const other = String(copy.source_file).replace(/#[^#]*$/, "");
    throw new LoadError(
      `${label}: the same workbook, byte for byte, as ${other}, which is already loaded. Loading it too would count those sales twice, ` +
        "so nothing was loaded from it. If it really holds other sales, load it with --allow-copies."
    );
  }

  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "ecom-xlsx-"));
  const units: LandedUnit[] = [];
  try {
    options.onProgress?.({ phase: "landing", file: label, percent: 0 });
    const workbook = await extractWorkbook(file, label, directory);
    if (workbook.sheets.length === 0) {
      const why = workbook.skipped.map((sheet) => `  ${sheet.reason}`);
      throw new LoadError([`${label}: no sheet of the workbook starts with the Online Retail header, so nothing was loaded from it.`, ...why].join("\n"));
    }
    const allowed = options.maxBadLines ?? 0;
    for (const sheet of workbook.sheets) {
      if (sheet.bad.length > allowed) throw new LoadError(describeBadLines(`${label}, sheet "${sheet.sheet}"`, sheet.bad, allowed, "row"));
    }
    for (const sheet of workbook.sheets) {
      const landing = newLandingTable();
      units.push({
        identity: {
          sourceFile: `${book.sourceFile}#${sheet.sheet}`,
          sourcePath: `${book.sourcePath}#${sheet.sheet}`,
          // One version per workbook version and sheet; copies are told by the workbook's part.
          checksum: `${book.checksum}#${sheet.sheet}`,
          size: book.size,
        },
        landing,
        recordNumber: RECORD_COLUMN,
        bad: sheet.bad,
        repeatedHeaders: sheet.repeatedHeaders,
        encoding: "xlsx",
      });
      await landCleanFile(warehouse, sheet.cleanFile, sheet.columns, landing);
    }
    const sheetFiles = new Set(units.map((unit) => unit.identity.sourceFile));
    const gone = ownSheets.map((row) => String(row.source_file)).filter((sourceFile) => !sheetFiles.has(sourceFile));
    const committed = await commitUnits(warehouse, units, gone);
    const note = workbook.skipped.length > 0 ? `left out ${workbook.skipped.map((sheet) => `sheet "${sheet.sheet}"`).join(", ")} (not the Online Retail header)` : undefined;
    return committed.map((result, index) => ({ ...result, file: label, seconds: secondsSince(started), ...(note && index === 0 ? { note } : {}) }));
  } finally {
    for (const unit of units) await warehouse.run(`DROP TABLE IF EXISTS ${unit.landing}`);
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
