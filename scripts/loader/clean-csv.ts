/**
 * The loader's clean CSV: what DuckDB reads when the original cannot be read as it is (malformed
 * lines set aside, a worksheet's cells). The first column is the record number the row keeps
 * (`_record`); every value is quoted, and a missing value (NULL) is left empty and unquoted, which
 * is how DuckDB and BigQuery tell NULL from an empty string.
 */
export const RECORD_COLUMN = "_record";

export function cleanCsvHeader(columns: readonly string[]): string {
  return [RECORD_COLUMN, ...columns].join(",");
}

export function cleanCsvLine(record: number, values: readonly (string | null)[]): string {
  return [String(record), ...values.map((value) => (value === null ? "" : `"${value.replace(/"/g, '""')}"`))].join(",");
}
