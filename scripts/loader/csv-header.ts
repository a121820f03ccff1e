import { LoadError } from "../errors";
// includes/retail.js is the one place that knows Online Retail's column names; the models use it too.
import retail = require("../../includes/retail");

/** Splits one CSV line on commas outside double quotes, removing the quotes. Enough for a header. */
export function splitCsvLine(line: string, delimiter = ","): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index];
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === delimiter) {
      fields.push(field);
      field = "";
    } else field += char;
  }
  fields.push(field);
  return fields;
}

/**
 * Maps a header line to the landing columns, in file order. Every one of the eight columns must be
 * there exactly once; names are matched ignoring case, blanks and underscores, and Online Retail II's
 * names are accepted. Anything else is refused with the file, the line and what was expected.
 */
export function mapHeader(headerLine: string, file: string): string[] {
  const line = headerLine.replace(/^\uFEFF/, "").replace(/\r$/, "");
  if (line.trim() === "") {
    throw new LoadError(`${file}, line 1: the header line is empty. Expected the eight Online Retail columns: ${expectedHeader()}.`);
  }
  if (!line.includes(",")) {
    const other = [";", "\t", "|"].find((delimiter) => line.includes(delimiter));
    if (other) {
      const shown = other === "\t" ? "tab" : `"${other}"`;
      throw new LoadError(`${file}, line 1: fields are separated by ${shown}, not commas. Export the file as comma-separated CSV.`);
    }
  }
  const fields = splitCsvLine(line);
  const columns = fields.map((field, index) => {
    const normalised = retail.normaliseHeader(field);
    const match = retail.SOURCE_COLUMNS.find((column) => column.headers.includes(normalised));
    if (!match) {
      throw new LoadError(
        `${file}, line 1, field ${index + 1}: unknown column ${JSON.stringify(field)}. Expected the eight Online Retail columns: ${expectedHeader()}.`
      );
    }
    return match.column;
  });
  for (const { column, header } of retail.SOURCE_COLUMNS) {
    const count = columns.filter((name) => name === column).length;
    if (count === 0) {
      throw new LoadError(`${file}, line 1: column ${header} is missing. Expected: ${expectedHeader()}.`);
    }
    if (count > 1) throw new LoadError(`${file}, line 1: column ${header} appears ${count} times.`);
  }
  return columns;
}

function expectedHeader(): string {
  return retail.SOURCE_COLUMNS.map((column) => column.header).join(",");
}
