import { type CompiledAssertion, type CompiledOperation, type CompiledTable, type Target } from "../dataform/compiled-graph";

/**
 * The SQL that `dataform run` sends BigQuery for each compiled action, written the way the Dataform
 * CLI (3.x, cli/api/dbadapters/execution_sql.ts) wraps it: tables and first builds of incremental
 * tables as `create or replace table ... partition by ... cluster by ... OPTIONS(...) as <query>`,
 * views as `create or replace view`, an incremental run as a MERGE on the unique key (an INSERT
 * without one), assertions as a view and a count. Pre- and post-operations come before and after.
 */

export interface BigQueryStatement {
  /** What Dataform would be doing: `create`, `merge`, `insert`, `pre-operation 1`, `assertion view`, `query 2`, ... */
  step: string;
  /** The SQL: one statement, or a script of several (operations). */
  sql: string;
}

/** `` `project.dataset.name` ``, as Dataform's BigQuery adapter resolves a target. */
export function resolveTarget(target: Target): string {
  return `\`${[target.database, target.schema, target.name].filter((part) => part !== undefined && part !== "").join(".")}\``;
}

/** The first build of a table, view or incremental table (and what every `--full-refresh` runs). */
export function createStatements(table: CompiledTable): BigQueryStatement[] {
  const statements: BigQueryStatement[] = (table.preOps ?? []).map((sql, index) => ({ step: `pre-operation ${index + 1}`, sql }));
  statements.push({ step: table.type === "view" ? "create view" : "create table", sql: createOrReplace(table) });
  (table.postOps ?? []).forEach((sql, index) => statements.push({ step: `post-operation ${index + 1}`, sql }));
  return statements;
}

/**
 * An incremental table's run on an existing table: the incremental pre-operations, the MERGE (or
 * INSERT), the incremental post-operations. `columns` are the existing table's, as Dataform reads
 * them from the table's metadata.
 */
export function incrementalStatements(table: CompiledTable, columns: readonly string[]): BigQueryStatement[] {
  const statements: BigQueryStatement[] = (table.incrementalPreOps ?? []).map((sql, index) => ({ step: `incremental pre-operation ${index + 1}`, sql }));
  const query = incrementalQuery(table);
  const uniqueKey = table.uniqueKey ?? [];
  statements.push(
    uniqueKey.length > 0
      ? { step: "merge", sql: mergeInto(table, columns, query, uniqueKey) }
      : { step: "insert", sql: insertInto(table.target, columns, query) }
  );
  (table.incrementalPostOps ?? []).forEach((sql, index) => statements.push({ step: `incremental post-operation ${index + 1}`, sql }));
  return statements;
}

/** An assertion: the view Dataform creates (which checks the query's syntax), then the row count it asserts is empty. */
export function assertionStatements(assertion: CompiledAssertion): BigQueryStatement[] {
  const target = resolveTarget(assertion.target);
  return [
    { step: "assertion view", sql: `\n      create or replace view ${target} as ${assertion.query}` },
    { step: "assertion count", sql: `select sum(1) as row_count from ${target}` },
  ];
}

/** An operation: its queries as they are, each possibly a script of several statements. */
export function operationStatements(operation: CompiledOperation): BigQueryStatement[] {
  return operation.queries.map((sql, index) => ({ step: operation.queries.length === 1 ? "operation" : `operation query ${index + 1}`, sql }));
}

interface BigQueryTableOptions {
  partitionBy?: string;
  clusterBy?: string[];
  partitionExpirationDays?: number;
  requirePartitionFilter?: boolean;
  additionalOptions?: Record<string, string>;
  updatePartitionFilter?: string;
  incrementalPredicates?: string[];
}

function bigqueryOptions(table: CompiledTable): BigQueryTableOptions {
  return (table.bigquery ?? {}) as BigQueryTableOptions;
}

function createOrReplace(table: CompiledTable): string {
  const bigquery = bigqueryOptions(table);
  const options: string[] = [];
  if (bigquery.partitionBy && bigquery.partitionExpirationDays) options.push(`partition_expiration_days=${bigquery.partitionExpirationDays}`);
  if (bigquery.partitionBy && bigquery.requirePartitionFilter) options.push(`require_partition_filter=${bigquery.requirePartitionFilter}`);
  for (const [name, value] of Object.entries(bigquery.additionalOptions ?? {})) options.push(`${name}=${value}`);
  const kind = table.type === "view" ? "view" : "table";
  const materialized = (table as { materialized?: boolean }).materialized ? "materialized " : "";
  const partition = bigquery.partitionBy ? `partition by ${bigquery.partitionBy} ` : "";
  const cluster = bigquery.clusterBy && bigquery.clusterBy.length > 0 ? `cluster by ${bigquery.clusterBy.join(", ")} ` : "";
  const optionList = options.length > 0 ? `OPTIONS(${options.join(",")})` : "";
  return `create or replace ${materialized}${kind} ${resolveTarget(table.target)} ${partition}${cluster}${optionList}as ${table.query}`;
}

function incrementalQuery(table: CompiledTable): string {
  const query = table.incrementalQuery || table.query;
  const where = (table as { where?: string }).where;
  return where ? `\n  select * from (${query}) as subquery\n    where ${where}` : query;
}

function mergeInto(table: CompiledTable, columns: readonly string[], query: string, uniqueKey: readonly string[]): string {
  const bigquery = bigqueryOptions(table);
  const predicates = (bigquery.incrementalPredicates ?? []).filter((predicate) => predicate.trim() !== "");
  const predicateText = predicates.length > 0 ? `and ${predicates.map((predicate) => `(${predicate})`).join(" and ")}` : "";
  const quoted = columns.map((column) => `\`${column}\``);
  return `
merge ${resolveTarget(table.target)} DATAFORM_DEST
using (${query}
) DATAFORM_SOURCE
on ${uniqueKey.map((key) => `DATAFORM_DEST.${key} = DATAFORM_SOURCE.${key}`).join(" and ")} ${bigquery.updatePartitionFilter ? `and DATAFORM_DEST.${bigquery.updatePartitionFilter}` : ""}
${predicateText ? ` ${predicateText}` : ""}
when matched then
  update set ${columns.map((column) => `\`${column}\` = DATAFORM_SOURCE.${column}`).join(",")}
when not matched then
  insert (${quoted.join(",")}) values (${quoted.join(",")})`;
}

function insertInto(target: Target, columns: readonly string[], query: string): string {
  const quoted = columns.map((column) => `\`${column}\``);
  return `
insert into ${resolveTarget(target)}
(${quoted.join(",")})
select ${quoted.join(",")}
from (${query}) as insertions`;
}
