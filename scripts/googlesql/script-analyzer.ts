import type { BigQueryLanguage } from "./bigquery-language";
import { Catalog, type CatalogColumn, stripQuotes } from "./catalog";
import type { TypeProto } from "./types";
import { ZetaSqlError, type Message, type ZetaSqlService } from "./zetasql-service";

/** One statement of a script, as ZetaSQL judged it. */
export interface AnalyzedStatement {
  /** The statement's text. */
  sql: string;
  /** 1-based line of the script the statement starts on. */
  line: number;
  /** ZetaSQL's resolved statement kind (`CreateTableAsSelectStmt`), or the script statement's (`VariableDeclaration`). */
  kind: string;
  /** ZetaSQL's message when the statement does not analyze; `line` of the error is within the script. */
  error?: { message: string; line: number };
  /** Scripting statements ZetaSQL parses but does not resolve (IF, WHILE, RAISE, ...). */
  parsedOnly?: boolean;
  /** The columns a query or a CREATE statement produces. */
  columns?: CatalogColumn[];
  /** The table a CREATE statement makes (as written), when it makes one. */
  creates?: string;
  /** ZetaSQL's resolved statement (AnyResolvedStatementProto), for tools that read it (column lineage). */
  resolved?: Message;
}

export interface ScriptOptions {
  /** Named query parameters (`@uri`) with their BigQuery type names. */
  parameters?: Record<string, string>;
}

/**
 * Analyzes a BigQuery script (one statement or many) statement by statement against `catalog`, the
 * way BigQuery runs it: a table or view the script creates, a temporary table and a DECLAREd variable
 * are visible to the statements after it. Statements are cut where ZetaSQL's own script parser cuts
 * them, so strings, comments and blocks are never split by hand.
 */
export async function analyzeScript(
  service: ZetaSqlService,
  language: BigQueryLanguage,
  catalog: Catalog,
  script: string,
  options: ScriptOptions = {}
): Promise<AnalyzedStatement[]> {
  const bytes = Buffer.from(script, "utf8");
  let statements: Message[];
  try {
    const parsed = await service.call("parse", { sqlStatement: script, allowScript: true, options: language.languageOptions });
    statements = (parsed.parsedScript?.statementListNode?.statementList as Message[] | undefined) ?? [];
  } catch (error) {
    if (!(error instanceof ZetaSqlError)) throw error;
    return [{ sql: script.trim(), line: 1, kind: "Script", error: { message: error.message, line: error.line ?? 1 } }];
  }
  const parameters = Object.entries(options.parameters ?? {});
  const queryParameters: Message[] = [];
  for (const [name, typeName] of parameters) queryParameters.push({ name, type: await resolveTypeName(service, language, typeName) });
  const results: AnalyzedStatement[] = [];
  await analyzeStatementList(statements);
  return results;

  async function analyzeStatementList(list: Message[]): Promise<void> {
    for (const node of list) {
      const range = locationOf(node);
      const text = bytes.subarray(range.start, range.end).toString("utf8");
      const line = lineAt(bytes, range.start);
      const scriptNode = node.astScriptStatementNode as Message | undefined;
      if (scriptNode) {
        await analyzeScriptStatement(scriptNode, text, line);
        continue;
      }
      results.push(await analyzeOne(text, line));
    }
  }

  async function analyzeScriptStatement(node: Message, text: string, line: number): Promise<void> {
    const kind = String(node.node ?? "astScriptStatementNode");
    const declaration = node.astVariableDeclarationNode as Message | undefined;
    if (declaration) {
      results.push(await declareVariables(declaration, text, line));
      return;
    }
    const block = findKey(node, "statementList") as Message[] | undefined;
    if (kind === "astBeginEndBlockNode" && block) {
      await analyzeStatementList(block);
      return;
    }
    results.push({ sql: text, line, kind: kindName(kind), parsedOnly: true });
  }

  async function declareVariables(declaration: Message, text: string, line: number): Promise<AnalyzedStatement> {
    const names = ((declaration.variableList?.identifierList as Message[] | undefined) ?? []).map((identifier) => String(identifier.idString));
    const typeText = declaration.type ? slice(locationOf(firstValue(declaration.type))) : undefined;
    const defaultText = declaration.defaultValue ? slice(locationOf(firstValue(declaration.defaultValue))) : undefined;
    const probe = typeText
      ? `SELECT CAST(${defaultText ?? "NULL"} AS ${typeText}) AS value`
      : `SELECT (${defaultText ?? "NULL"}) AS value`;
    const analyzed = await analyzeOne(probe, line, { dropCreates: true });
    const statement: AnalyzedStatement = { sql: text, line, kind: "VariableDeclaration" };
    if (analyzed.error) {
      statement.error = { message: analyzed.error.message.replace(/\s*\[at \d+:\d+\]$/, ""), line };
      return statement;
    }
    const type = analyzed.columns?.[0]?.type;
    if (type) for (const name of names) catalog.setConstant({ name, type });
    return statement;
  }

  function slice(range: { start: number; end: number }): string {
    return bytes.subarray(range.start, range.end).toString("utf8");
  }

  async function analyzeOne(sql: string, line: number, how: { dropCreates?: boolean } = {}): Promise<AnalyzedStatement> {
    try {
      const response = await service.call("analyze", {
        options: language.analyzerOptions(queryParameters.length > 0 ? { queryParameters } : {}),
        simpleCatalog: catalog.toProto(),
        sqlStatement: sql,
      });
      const resolved = describeResolved(response.resolvedStatement as Message);
      if (!how.dropCreates) applyEffects(catalog, resolved);
      return {
        sql,
        line,
        kind: resolved.kind,
        ...(resolved.columns ? { columns: resolved.columns } : {}),
        ...(resolved.creates ? { creates: resolved.creates } : {}),
        resolved: response.resolvedStatement as Message,
      };
    } catch (error) {
      if (!(error instanceof ZetaSqlError)) throw error;
      return { sql, line, kind: "Statement", error: { message: error.message, line: line + (error.line ?? 1) - 1 } };
    }
  }
}

/** A BigQuery type name (`INT64`, `ARRAY<STRING>`, `NUMERIC(10, 2)`) as ZetaSQL's TypeProto, resolved by ZetaSQL itself. */
export async function resolveTypeName(service: ZetaSqlService, language: BigQueryLanguage, typeName: string): Promise<TypeProto> {
  const response = await service.call("analyze", {
    options: language.analyzerOptions(),
    simpleCatalog: { name: "types", builtinFunctionOptions: language.builtinFunctionOptions },
    sqlStatement: `SELECT CAST(NULL AS ${typeName}) AS value`,
  });
  const column = describeResolved(response.resolvedStatement as Message).columns?.[0];
  if (!column) throw new ZetaSqlError(`${typeName} is not a type`);
  return column.type;
}

interface ResolvedSummary {
  kind: string;
  columns?: CatalogColumn[];
  creates?: string;
  createMode?: string;
  temporary?: boolean;
  external?: boolean;
  drops?: string;
}

/** What a resolved statement makes: its kind, the columns it outputs or defines, the table it creates or drops. */
export function describeResolved(statement: Message): ResolvedSummary {
  const kind = innermostNodeName(statement);
  const summary: ResolvedSummary = { kind };
  const definitions = findKey(statement, "columnDefinitionList") as Message[] | undefined;
  const outputs = findKey(statement, "outputColumnList") as Message[] | undefined;
  if (definitions) summary.columns = definitions.map((column) => ({ name: String(column.name), type: column.type as TypeProto }));
  else if (outputs) summary.columns = outputs.map((column) => ({ name: String(column.name), type: column.column?.type as TypeProto }));
  const namePath = findKey(statement, "namePath") as string[] | undefined;
  if (kind.startsWith("Create") && namePath) {
    summary.creates = namePath.join(".");
    summary.createMode = String(findKey(statement, "createMode") ?? "");
    summary.external = kind === "CreateExternalTableStmt";
    summary.temporary = findKey(statement, "createScope") === "CREATE_TEMP";
  }
  if (kind === "DropStmt" && namePath && findKey(statement, "objectType") === "TABLE") summary.drops = namePath.join(".");
  return summary;
}

function applyEffects(catalog: Catalog, resolved: ResolvedSummary): void {
  if (resolved.drops) catalog.dropTable(resolved.drops);
  if (!resolved.creates || !resolved.columns) return;
  if (resolved.createMode === "CREATE_IF_NOT_EXISTS" && catalog.getTable(resolved.creates)) return;
  const columns = resolved.columns.map((column) => ({ ...column }));
  // BigQuery gives every external table over files a `_FILE_NAME` pseudo-column.
  if (resolved.external) columns.push({ name: "_FILE_NAME", type: { typeKind: "TYPE_STRING" }, pseudo: true });
  catalog.setTable({ name: stripQuotes(resolved.creates), columns, ...(resolved.temporary ? { temporary: true } : {}) });
}

/** `resolvedCreateTableAsSelectStmtNode` → `CreateTableAsSelectStmt`: the most specific node of a oneof chain. */
function innermostNodeName(node: Message): string {
  let current: Message | undefined = node;
  let name = "Statement";
  while (current && typeof current.node === "string") {
    name = current.node;
    current = current[current.node] as Message | undefined;
  }
  return kindName(name);
}

function kindName(node: string): string {
  return node.replace(/^resolved|^ast/, "").replace(/Node$/, "");
}

/** The first value of `key` found depth-first, not looking inside subqueries (`query`). */
function findKey(node: unknown, key: string): unknown {
  if (!node || typeof node !== "object") return undefined;
  if (Array.isArray(node)) return undefined;
  const record = node as Message;
  if (key in record) return record[key];
  for (const [name, value] of Object.entries(record)) {
    if (name === "query" || Array.isArray(value)) continue;
    const found = findKey(value, key);
    if (found !== undefined) return found;
  }
  return undefined;
}

function firstValue(wrapper: Message): Message {
  const key = typeof wrapper.node === "string" ? wrapper.node : Object.keys(wrapper)[0];
  return (key ? wrapper[key] : wrapper) as Message;
}

/** The byte range of an AST node: the first `parseLocationRange` down its `parent` chain. */
function locationOf(node: unknown): { start: number; end: number } {
  const range = findKey(node, "parseLocationRange") as Message | undefined;
  return { start: Number(range?.start ?? 0), end: Number(range?.end ?? 0) };
}

function lineAt(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset && index < bytes.length; index += 1) if (bytes[index] === 0x0a) line += 1;
  return line;
}

