/**
 * A CSV scanner for the loader's slow path: when DuckDB's strict reader refuses a file, this finds
 * every malformed record (wrong number of fields, a quote never closed, text after a closing quote),
 * so the refusal can list them all, or, with --max-bad-lines, set them aside and land the rest.
 *
 * Recovery is line-based: a record that cannot be read is the physical line it starts on, and
 * scanning resumes on the next line. A quoted line break is accepted only when the record it makes
 * has the right number of fields, so one stray quote never swallows the lines after it.
 */
export interface BadRecord {
  /** Physical line number in the file (the header is line 1). */
  line: number;
  text: string;
  problem: string;
}

export interface GoodRecord {
  /** Data record number in the file: 1 is the first record after the header, bad records counted. */
  record: number;
  fields: string[];
  /** Which fields were empty and unquoted (NULL, as DuckDB and BigQuery read them). */
  nulls: boolean[];
}

export interface ScanResult {
  good: GoodRecord[];
  bad: BadRecord[];
}

export function scanCsv(text: string, expectedFields: number, delimiter = ","): ScanResult {
  const good: GoodRecord[] = [];
  const bad: BadRecord[] = [];
  let position = skipLine(text, 0);
  let line = 2;
  let record = 0;
  while (position < text.length) {
    const lineEnd = endOfLine(text, position);
    if (text.slice(position, lineEnd).replace(/\r$/, "") === "") {
      position = lineEnd + 1; // blank lines are not records
      line += 1;
      continue;
    }
    record += 1;
    const parsed = parseRecord(text, position, delimiter);
    let problem = parsed.problem ?? (parsed.fields.length === expectedFields ? undefined : `expected ${expectedFields} fields, found ${parsed.fields.length}`);
    // A record that only went wrong after a quoted line break is a quote left open on its first line.
    if (problem !== undefined && parsed.lines > 1) problem = "a quoted field is not closed on this line";
    if (problem === undefined) {
      good.push({ record, fields: parsed.fields, nulls: parsed.nulls });
      line += parsed.lines;
      position = parsed.next;
    } else {
      bad.push({ line, text: text.slice(position, lineEnd).replace(/\r$/, ""), problem });
      line += 1;
      position = lineEnd + 1;
    }
  }
  return { good, bad };
}

interface ParsedRecord {
  fields: string[];
  nulls: boolean[];
  /** Position after the record's line ending. */
  next: number;
  /** Physical lines the record spans. */
  lines: number;
  problem?: string;
}

function parseRecord(text: string, start: number, delimiter: string): ParsedRecord {
  const fields: string[] = [];
  const nulls: boolean[] = [];
  let position = start;
  let lines = 1;
  for (;;) {
    if (text[position] === '"') {
      let value = "";
      position += 1;
      for (;;) {
        if (position >= text.length) return { fields, nulls, next: text.length, lines, problem: "a quoted field is never closed" };
        const char = text[position];
        if (char === '"') {
          if (text[position + 1] === '"') {
            value += '"';
            position += 2;
            continue;
          }
          position += 1;
          break;
        }
        if (char === "\n") lines += 1;
        value += char;
        position += 1;
      }
      fields.push(value);
      nulls.push(false);
      const after = text[position];
      if (after !== undefined && after !== delimiter && after !== "\n" && after !== "\r") {
        return { fields, nulls, next: position, lines, problem: "text follows a closing quote" };
      }
    } else {
      let end = position;
      while (end < text.length && text[end] !== delimiter && text[end] !== "\n") end += 1;
      const value = text.slice(position, end).replace(/\r$/, "");
      if (value.includes('"')) return { fields, nulls, next: end, lines, problem: "a quote inside an unquoted field" };
      fields.push(value);
      nulls.push(value === "");
      position = end;
    }
    if (text[position] === "\r" && text[position + 1] === "\n") position += 1;
    if (position >= text.length || text[position] === "\n") return { fields, nulls, next: position + 1, lines };
    position += 1; // the delimiter
  }
}

function endOfLine(text: string, from: number): number {
  const newline = text.indexOf("\n", from);
  return newline === -1 ? text.length : newline;
}

function skipLine(text: string, from: number): number {
  return Math.min(endOfLine(text, from) + 1, text.length);
}
