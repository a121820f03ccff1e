import { withoutLeadingComments } from "../sql-text";
import type { BigQueryLanguage } from "./bigquery-language";
import type { Catalog, CatalogColumn } from "./catalog";
import { decodeValue, encodeValue, type JsonValue } from "./values";
import type { Message, ZetaSqlService } from "./zetasql-service";

/** A table's rows as ZetaSQL holds them: its columns and one ValueProto per cell. */
export interface EvaluatedTable {
  columns: CatalogColumn[];
  rows: Message[][];
}

export type JsonRow = Record<string, JsonValue>;

/**
 * Table contents for ZetaSQL's reference evaluator, by table name as the catalog holds it
 * (`project.dataset.table`). ZetaSQL only evaluates queries over tables whose rows it was given.
 */
export class TableContents {
  private readonly tables = new Map<string, EvaluatedTable>();

  set(name: string, table: EvaluatedTable): void {
    this.tables.set(name.toLowerCase(), table);
  }

  get(name: string): EvaluatedTable | undefined {
    return this.tables.get(name.toLowerCase());
  }

  /** The `table_content` map of an EvaluateQuery request, under every flat name the catalog gives a table. */
  toProto(catalog: Catalog): Record<string, Message> {
    const content: Record<string, Message> = {};
    for (const [name, table] of this.tables) {
      const data = { tableData: { row: table.rows.map((cells) => ({ cell: cells })) } };
      for (const alias of catalog.flatNames(name)) content[alias] = data;
    }
    return content;
  }
}

/**
 * Runs one query with ZetaSQL's reference implementation (the evaluator GoogleSQL's compliance tests
 * use) over the given table contents, and returns its columns and rows.
 */
export async function evaluateQuery(
  service: ZetaSqlService,
  language: BigQueryLanguage,
  catalog: Catalog,
  contents: TableContents,
  sql: string
): Promise<EvaluatedTable> {
  const response = await service.call("evaluateQuery", {
    sql,
    options: language.analyzerOptions(),
    simpleCatalog: catalog.toProto({ flatOnly: true }),
    tableContent: contents.toProto(catalog),
  });
  const columns = ((response.prepared?.columns as Message[] | undefined) ?? []).map((column) => ({ name: String(column.name), type: column.type }));
  const rows = ((response.content?.tableData?.row as Message[] | undefined) ?? []).map((row) => (row.cell as Message[] | undefined) ?? []);
  return { columns, rows };
}

/** The hidden column that numbers a DML target's rows, so that ZetaSQL can say which it deleted or updated. */
const ROW_NUMBER_COLUMN = "_ecom_row_number";
const INT64: Message = { typeKind: "TYPE_INT64" };

/**
 * Runs one DELETE, UPDATE or INSERT with ZetaSQL's reference implementation on the rows of `target`
 * (`project.dataset.table`) and returns the table's rows after it. ZetaSQL answers with the rows it
 * inserted, and names the rows it deleted or updated by their primary key: for a DELETE or an UPDATE
 * the table is given a hidden row number as its key (a pseudo-column, outside `*`); an INSERT gets
 * the table as it is (ZetaSQL does not insert into a keyed table without a value for the key).
 */
export async function evaluateModify(
  service: ZetaSqlService,
  language: BigQueryLanguage,
  catalog: Catalog,
  contents: TableContents,
  target: string,
  sql: string
): Promise<EvaluatedTable> {
  const table = contents.get(target);
  const catalogTable = catalog.getTable(target);
  if (!table || !catalogTable) throw new Error(`${target} has no rows to modify`);
  const inserting = /^\s*INSERT\b/i.test(withoutLeadingComments(sql));
  const simpleCatalog = catalog.toProto({ flatOnly: true });
  const tableContent = contents.toProto(catalog);
  if (!inserting) {
    const aliases = new Set(catalog.flatNames(target));
    for (const proto of simpleCatalog.table as Message[]) {
      if (!aliases.has(String(proto.name))) continue;
      proto.column = [...(proto.column as Message[]), { name: ROW_NUMBER_COLUMN, type: INT64, isPseudoColumn: true }];
      proto.primaryKeyColumnIndex = [catalogTable.columns.length];
    }
    const numbered = { tableData: { row: table.rows.map((cells, index) => ({ cell: [...cells, { int64Value: String(index) }] })) } };
    for (const alias of aliases) tableContent[alias] = numbered;
  }
  const response = await service.call("evaluateModify", { sql, options: language.analyzerOptions(), simpleCatalog, tableContent });
  const rows = [...table.rows];
  const removed = new Set<number>();
  for (const change of (response.content as Message[] | undefined) ?? []) {
    const cells = (change.cell as Message[] | undefined) ?? [];
    const key = Number((change.oldPrimaryKey as Message[] | undefined)?.[0]?.int64Value);
    if (change.operation === "INSERT") rows.push(cells);
    else if (change.operation === "DELETE") removed.add(key);
    else if (change.operation === "UPDATE") rows[key] = cells.slice(0, catalogTable.columns.length);
    else throw new Error(`ZetaSQL answered ${target}'s ${String(change.operation)} with no operation it names`);
  }
  return { columns: table.columns, rows: rows.filter((_cells, index) => !removed.has(index)) };
}

/** Rows as JSON objects, in DuckDB's shape (see values.ts). */
export function toJsonRows(table: EvaluatedTable): JsonRow[] {
  return table.rows.map((cells) => {
    const row: JsonRow = {};
    table.columns.forEach((column, index) => {
      row[column.name] = decodeValue(cells[index], column.type);
    });
    return row;
  });
}

/** JSON rows (DuckDB's shape) as a table ZetaSQL can be given, with the columns' types. */
export function fromJsonRows(columns: CatalogColumn[], rows: readonly Record<string, JsonValue | undefined>[]): EvaluatedTable {
  return { columns, rows: rows.map((row) => columns.map((column) => encodeValue(row[column.name] ?? null, column.type))) };
}
