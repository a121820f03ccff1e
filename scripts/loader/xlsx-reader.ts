import * as fs from "node:fs";
import type * as ExcelJS from "exceljs";
import { LoadError } from "../errors";
import { cleanCsvHeader, cleanCsvLine } from "./clean-csv";
import { mapHeaderFields } from "./csv-header";
import type { BadRecord } from "./csv-scan";
import retail = require("../../includes/retail");

/** One worksheet whose header is the contract's, written out as the loader's clean CSV. */
export interface SheetExtract {
  sheet: string;
  /** The landing columns in the clean file's order (the sheet's). */
  columns: string[];
  /** The header's cells as text, to recognise the header repeated further down. */
  headerFields: string[];
  cleanFile: string;
  /** Data rows written. */
  rows: number;
  /** Rows with a value outside the header's columns. */
  bad: BadRecord[];
  repeatedHeaders: number;
}

export interface WorkbookExtract {
  sheets: SheetExtract[];
  /** Sheets left out because their first row is not the contract's header, with why. */
  skipped: { sheet: string; reason: string }[];
}

/**
 * exceljs, loaded on the first workbook: it takes some 150 ms to load, which every command would
 * otherwise pay at its start, CSV loads included.
 */
function excelJs(): typeof ExcelJS {
  return require("exceljs");
}

/** Lines buffered before a write to the clean file. */
const WRITE_BATCH = 10_000;

/**
 * Streams a workbook (exceljs's streaming reader: a sheet is never held in memory whole) and writes
 * every sheet whose first non-empty row is the Online Retail header to a clean CSV in `directory`,
 * each row as text the way a CSV export would hold it (see cellText), numbered by its sheet row.
 * `label` names the workbook in messages.
 */
export async function extractWorkbook(file: string, label: string, directory: string): Promise<WorkbookExtract> {
  const reader = new (excelJs().stream.xlsx.WorkbookReader)(file, {
    worksheets: "emit",
    sharedStrings: "cache",
    // Styles say which numbers are dates.
    styles: "cache",
    hyperlinks: "ignore",
    entries: "ignore",
  });
  const sheets: SheetExtract[] = [];
  const skipped: WorkbookExtract["skipped"] = [];
  try {
    for await (const worksheet of reader) {
      const name = (worksheet as unknown as { name: string }).name;
      const extract = await extractSheet(worksheet as unknown as AsyncIterable<ExcelJS.Row>, name, label, `${directory}/sheet-${sheets.length + skipped.length + 1}.csv`);
      if ("reason" in extract) skipped.push({ sheet: name, reason: extract.reason });
      else sheets.push(extract);
    }
  } catch (error) {
    if (error instanceof LoadError) throw error;
    throw new LoadError(`${label}: the workbook cannot be read (it is damaged, or not really an .xlsx file). Open it in Excel or LibreOffice and save it again as .xlsx, or export it as CSV. Nothing was loaded from it.`, {
      cause: error,
    });
  }
  return { sheets, skipped };
}

async function extractSheet(rows: AsyncIterable<ExcelJS.Row>, sheet: string, label: string, cleanFile: string): Promise<SheetExtract | { reason: string }> {
  let header: { columns: string[]; fields: string[]; normalised: string[] } | undefined;
  let reason: string | undefined;
  let descriptor: number | undefined;
  let pending: string[] = [];
  const flush = () => {
    if (descriptor !== undefined && pending.length > 0) fs.writeSync(descriptor, `${pending.join("\n")}\n`);
    pending = [];
  };
  const bad: BadRecord[] = [];
  let written = 0;
  let repeatedHeaders = 0;
  try {
    for await (const row of rows) {
      // Once a sheet is known not to hold sales, its rows are only drained.
      if (reason !== undefined) continue;
      const values = rowTexts(row);
      if (values.every((value) => value === null)) continue; // empty rows are not records
      if (!header) {
        const fields = trimTrailingNulls(values).map((value) => value ?? "");
        try {
          const columns = mapHeaderFields(fields, { file: label, at: `sheet "${sheet}", row ${row.number}`, field: (index) => `cell ${columnLetter(index + 1)}${row.number}` });
          header = { columns, fields, normalised: fields.map((field) => retail.normaliseHeader(field)) };
          descriptor = fs.openSync(cleanFile, "w");
          fs.writeSync(descriptor, `${cleanCsvHeader(columns)}\n`);
        } catch (error) {
          if (!(error instanceof LoadError)) throw error;
          reason = error.message;
        }
        continue;
      }
      const width = header.columns.length;
      const outside = values.findIndex((value, index) => index >= width && value !== null);
      if (outside !== -1) {
        bad.push({
          line: row.number,
          text: values.map((value) => value ?? "").join(",").replace(/,+$/, ""),
          problem: `a value in cell ${columnLetter(outside + 1)}${row.number}, outside the header's ${width} columns`,
        });
        continue;
      }
      const fields = Array.from({ length: width }, (_unused, index) => values[index] ?? null);
      const normalised = header.normalised;
      if (fields.every((value, index) => value !== null && retail.normaliseHeader(value) === normalised[index])) {
        repeatedHeaders += 1;
        continue;
      }
      pending.push(cleanCsvLine(row.number, fields));
      written += 1;
      if (pending.length >= WRITE_BATCH) flush();
    }
    flush();
  } finally {
    if (descriptor !== undefined) fs.closeSync(descriptor);
  }
  if (reason !== undefined) return { reason };
  if (!header) return { reason: `${label}, sheet "${sheet}": the sheet is empty.` };
  return { sheet, columns: header.columns, headerFields: header.fields, cleanFile, rows: written, bad, repeatedHeaders };
}

/** A row's cells as text, index 0 being column A; a cell without a value is null. */
function rowTexts(row: ExcelJS.Row): (string | null)[] {
  const values = row.values as unknown[]; // 1-based and sparse
  const texts: (string | null)[] = [];
  for (let column = 1; column < values.length; column += 1) texts.push(cellText(values[column]));
  return texts;
}

function trimTrailingNulls(values: (string | null)[]): (string | null)[] {
  let end = values.length;
  while (end > 0 && values[end - 1] === null) end -= 1;
  return values.slice(0, end);
}

/**
 * A cell's value as the text a CSV export of it would hold: strings as they are; numbers in the
 * shortest form that reads back to the value Excel shows (15 significant digits, as Excel displays
 * them, so a stored 2.5499999999999998 is 2.55); dates and times as ISO `YYYY-MM-DD HH:MM:SS`, to
 * the second (Excel keeps them as fractions of a day, which rarely land on a whole millisecond);
 * booleans as TRUE/FALSE; formulas as their cached result; rich text as its plain text.
 */
export function cellText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value === "" ? null : value;
  if (typeof value === "number") return Number.isFinite(value) ? String(Number(value.toPrecision(15))) : null;
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (value instanceof Date) return isoDateTime(value);
  if (typeof value === "object") {
    const cell = value as { richText?: { text: string }[]; result?: unknown; formula?: string; text?: unknown; error?: string };
    if (cell.richText) return cellText(cell.richText.map((run) => run.text).join(""));
    if ("formula" in cell || "sharedFormula" in cell) return cellText(cell.result);
    if (cell.error !== undefined) return cell.error;
    if (cell.text !== undefined) return cellText(cell.text);
  }
  return String(value);
}

function isoDateTime(date: Date): string {
  const rounded = new Date(Math.round(date.getTime() / 1000) * 1000);
  return rounded.toISOString().replace("T", " ").replace(/\.\d+Z$/, "");
}

/** 1 -> A, 27 -> AA: how a person finds the cell. */
export function columnLetter(column: number): string {
  let letters = "";
  for (let rest = column; rest > 0; rest = Math.floor((rest - 1) / 26)) letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  return letters;
}
