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
  return mapHeaderFields(splitCsvLine(line), { file, at: "line 1", field: (index) => `field ${index + 1}` });
}

/** Where a header sits, for messages: the file, the place ("line 1", `sheet "2010", row 1`) and how a field is named. */
export interface HeaderPlace {
  file: string;
  at: string;
  field: (index: number) => string;
}

/** mapHeader on fields already split (a CSV line's, or a worksheet row's cells). */
export function mapHeaderFields(fields: string[], place: HeaderPlace): string[] {
  const { file, at } = place;
  const columns = fields.map((field, index) => {
    const match = headerColumn(field);
    if (!match) {
      throw new LoadError(
        `${file}, ${at}, ${place.field(index)}: unknown column ${JSON.stringify(field)}. Expected the eight Online Retail columns: ${expectedHeader()}.`
      );
    }
    return match;
  });
  for (const { column, header } of retail.SOURCE_COLUMNS) {
    const count = columns.filter((name) => name === column).length;
    if (count === 0) {
      throw new LoadError(`${file}, ${at}: column ${header} is missing. Expected: ${expectedHeader()}.`);
    }
    if (count > 1) throw new LoadError(`${file}, ${at}: column ${header} appears ${count} times.`);
  }
  return columns;
}

/** The landing column a header field names, if any (case, blanks and underscores ignored). */
export function headerColumn(field: string): string | undefined {
  const normalised = retail.normaliseHeader(field.replace(/^\uFEFF/, ""));
  return retail.SOURCE_COLUMNS.find((column) => column.headers.includes(normalised))?.column;
}

function expectedHeader(): string {
  return retail.SOURCE_COLUMNS.map((column) => column.header).join(",");
}
