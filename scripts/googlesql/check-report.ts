import type { CheckedStatement, GraphCheck } from "./check-graph";

/**
 * The lines `ecom check --warehouse bigquery` prints: one entry per failing statement (the action,
 * its file, what Dataform was doing, the line, ZetaSQL's message, and that line of the SQL BigQuery
 * would receive), then a summary.
 */
export function describeCheck(check: GraphCheck, seconds: number): { failures: string[]; notes: string[]; summary: string } {
  const failures = check.failures.map(describeFailure);
  const notes: string[] = [];
  for (const declaration of check.untypedDeclarations) {
    notes.push(`note: declaration ${declaration} has no column types; give each column the tag "type:<BigQuery type>" so queries on it can be checked.`);
  }
  for (const parsed of check.parsedOnly) {
    notes.push(`note: ${parsed.action} (${parsed.step}, line ${parsed.statement.line}): ${parsed.statement.kind} is a scripting statement; ZetaSQL parses it but does not resolve it.`);
  }
  const actions = new Set(check.statements.map((statement) => statement.action)).size;
  const failed = check.failures.length;
  const verdict = failed === 0 ? "all analyze cleanly" : `${failed} failed`;
  const summary = `GoogleSQL check: ${check.statements.length} statements of ${actions} actions and scripts analyzed by ZetaSQL, ${verdict} (${seconds.toFixed(1)}s).`;
  return { failures, notes, summary };
}

function describeFailure(checked: CheckedStatement): string {
  const { statement } = checked;
  const error = statement.error as { message: string; line: number };
  const where = checked.fileName ? ` (${checked.fileName})` : "";
  const sqlLine = lineOfScript(checked, error.line);
  const head = `FAILED  ${checked.action}${where}, ${checked.step}, line ${error.line}: ${error.message}`;
  return sqlLine === undefined ? head : `${head}\n    ${error.line} | ${sqlLine.trim()}`;
}

/** The line of the script the statement belongs to, counted from the script's first line. */
function lineOfScript(checked: CheckedStatement, line: number): string | undefined {
  const offset = line - checked.statement.line;
  return checked.statement.sql.split("\n")[offset];
}
