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
