/**
 * Turns DuckDB's CSV reader errors into messages for the person holding the file: the file, the
 * line, what is wrong with it in a sentence, the line itself, and what to do. DuckDB's own advice
 * (reader options such as ignore_errors) is not something an `ecom` user can act on, so it is left
 * out; the original error stays available as the cause.
 */
export function describeCsvError(file: string, duckdbMessage: string): string {
  const line = /CSV Error on Line: (\d+)/.exec(duckdbMessage)?.[1];
  const original = /Original Line: (.*)/.exec(duckdbMessage)?.[1];
  const fieldCount = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(duckdbMessage);
  let problem: string;
  let advice: string;
  if (fieldCount) {
    problem = `expected ${fieldCount[1]} fields, found ${fieldCount[2]}.`;
    advice = "Every line needs exactly the header's fields: quote fields that contain commas, and fill in missing ones.";
  } else if (/unterminated quote/i.test(duckdbMessage)) {
    problem = "a quoted field is never closed.";
    advice = 'Close the quote, and write quotes inside a quoted field twice ("").';
  } else if (/quote/i.test(duckdbMessage)) {
    problem = "a field is quoted wrongly.";
    advice = 'A quoted field must start and end with ", with quotes inside it written twice ("").';
  } else if (/unicode|utf-8|encoding/i.test(duckdbMessage)) {
    problem = "the text is not in the encoding the file was read with.";
    advice = "Save the file as UTF-8 (or ISO-8859-1) throughout.";
  } else {
    problem = firstLine(duckdbMessage.replace(/^[A-Za-z ]*Error: /, ""));
    advice = "Fix the file and load it again.";
  }
  const where = line ? `${file}, line ${line}` : file;
  const shown = original === undefined ? "" : ` The line reads: ${truncate(original, 200)}`;
  return `${where}: ${problem}${shown}\n${advice} Nothing was loaded from this file.`;
}

function firstLine(text: string): string {
  return text.split("\n")[0]?.trim() ?? text;
}

/** `text` cut to `length` characters, with an ellipsis when cut. */
export function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length)}...`;
}
