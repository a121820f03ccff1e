import type { CompiledDeclaration, CompiledGraph, CompiledTable } from "../dataform/compiled-graph";
import { targetName } from "../dataform/compiled-graph";
import { planActions } from "../runner/action-graph";
import { bigQueryLanguage, type BigQueryLanguage } from "./bigquery-language";
import { Catalog, type CatalogColumn } from "./catalog";
import {
  assertionStatements,
  createStatements,
  incrementalStatements,
  operationStatements,
  resolveTarget,
  type BigQueryStatement,
} from "./dataform-bigquery-sql";
import { analyzeScript, resolveTypeName, type AnalyzedStatement } from "./script-analyzer";
import { ZetaSqlError, type ZetaSqlService } from "./zetasql-service";
import landing = require("../../includes/landing");

/** SQL that tooling around the graph sends BigQuery (the loader's DDL and transactions), checked with the graph. */
export interface ToolingScript {
  /** Who sends it, for the report: `ecom load --warehouse bigquery: land rows`. */
  source: string;
  sql: string;
  /** Named parameters and their BigQuery types. */
  parameters?: Record<string, string>;
  /** Tables the script expects that nothing in the graph creates (a load job's per-load table). */
  tables?: { name: string; columns: { name: string; type: string }[] }[];
}

export interface CheckedStatement {
  /** `schema.name` of the action, or the tooling script's source. */
  action: string;
  fileName?: string;
  step: string;
  statement: AnalyzedStatement;
}

export interface GraphCheck {
  statements: CheckedStatement[];
  failures: CheckedStatement[];
  /** Scripting statements ZetaSQL parses but cannot resolve (IF, WHILE, ...): counted, not failed. */
  parsedOnly: CheckedStatement[];
  /** Declarations whose columns carry no `type:` tag, so queries on them cannot be resolved. */
  untypedDeclarations: string[];
  /** The tables as BigQuery would have them after the run: declared, then built by the graph. */
  catalog: Catalog;
}

/**
 * Checks a compiled Dataform graph against GoogleSQL: every statement `dataform run` would send
 * BigQuery, in dependency order, analyzed by ZetaSQL against a catalog of the declared sources (typed
 * by their `type:` column tags) and of every table built before it (typed by its resolved statement).
 * Tables are checked both as first built and, for incremental tables, as merged into; the unit tests'
 * queries and the tooling's scripts are checked too.
 */
export async function checkGraph(service: ZetaSqlService, graph: CompiledGraph, tooling: ToolingScript[] = []): Promise<GraphCheck> {
  const language = await bigQueryLanguage(service);
  const catalog = new Catalog(graph.projectConfig?.defaultDatabase ?? "", language.builtinFunctionOptions);
  const untypedDeclarations = await declareSources(service, language, catalog, graph.declarations ?? []);
  const statements: CheckedStatement[] = [];

  const check = async (action: string, fileName: string | undefined, batch: BigQueryStatement[], parameters?: Record<string, string>) => {
    for (const { step, sql } of batch) {
      for (const statement of await analyzeScript(service, language, catalog, sql, parameters ? { parameters } : {})) {
        statements.push({ action, ...(fileName ? { fileName } : {}), step, statement });
      }
    }
    catalog.endScript();
  };

  for (const planned of planActions(graph)) {
    const runnable = planned.runnable;
    const fileName = runnable.action.fileName;
    if (runnable.kind === "table") {
      await check(planned.name, fileName, createStatements(runnable.action));
      if (runnable.action.type === "incremental") {
        await check(planned.name, fileName, incrementalStatements(runnable.action, columnsOf(catalog, runnable.action)));
      }
    } else if (runnable.kind === "assertion") {
      await check(planned.name, fileName, assertionStatements(runnable.action));
    } else {
      await check(planned.name, fileName, operationStatements(runnable.action));
    }
  }
  for (const test of graph.tests ?? []) {
    await check(`test ${test.name}`, test.fileName, [
      { step: "test query", sql: test.testQuery },
      { step: "expected rows", sql: test.expectedOutputQuery },
    ]);
  }
  for (const script of tooling) {
    for (const table of script.tables ?? []) {
      const columns: CatalogColumn[] = [];
      for (const column of table.columns) columns.push({ name: column.name, type: await resolveTypeName(service, language, column.type) });
      catalog.setTable({ name: table.name, columns, temporary: true });
    }
    await check(script.source, undefined, [{ step: "script", sql: script.sql }], script.parameters);
  }

  const failures = statements.filter((checked) => checked.statement.error);
  const parsedOnly = statements.filter((checked) => checked.statement.parsedOnly);
  return { statements, failures, parsedOnly, untypedDeclarations, catalog };
}

/** The existing table's columns, as Dataform reads them before a MERGE; empty when its first build did not analyze. */
function columnsOf(catalog: Catalog, table: CompiledTable): string[] {
  return (catalog.getTable(resolveTarget(table.target))?.columns ?? []).filter((column) => !column.pseudo).map((column) => column.name);
}

/**
 * Puts every declaration in the catalog with the types its columns' `type:<BigQuery type>` tags give.
 * Returns the declarations that have none (they stay out of the catalog, so queries on them fail
 * with ZetaSQL's "Table not found", and the report says why).
 */
async function declareSources(service: ZetaSqlService, language: BigQueryLanguage, catalog: Catalog, declarations: CompiledDeclaration[]): Promise<string[]> {
  const untyped: string[] = [];
  for (const declaration of declarations) {
    const columns: CatalogColumn[] = [];
    for (const column of declaration.actionDescriptor?.columns ?? []) {
      const typeName = declaredType(column);
      const name = (column.path ?? []).join(".");
      if (typeName === undefined || !name || (column.path ?? []).length !== 1) continue;
      try {
        columns.push({ name, type: await resolveTypeName(service, language, typeName) });
      } catch (error) {
        if (!(error instanceof ZetaSqlError)) throw error;
        throw new ZetaSqlError(`Declaration ${targetName(declaration.target)}: column ${name} has the tag ${landing.TYPE_TAG_PREFIX}${typeName}, which is not a BigQuery type (${error.message}).`);
      }
    }
    if (columns.length === 0) {
      untyped.push(targetName(declaration.target));
      continue;
    }
    catalog.setTable({ name: resolveTarget(declaration.target).slice(1, -1), columns });
  }
  return untyped;
}

/** The BigQuery type a declared column's `type:<TYPE>` tag gives it, if it has one. */
export function declaredType(column: { tags?: string[] }): string | undefined {
  const tag = (column.tags ?? []).find((candidate) => candidate.startsWith(landing.TYPE_TAG_PREFIX));
  return tag === undefined ? undefined : tag.slice(landing.TYPE_TAG_PREFIX.length);
}
