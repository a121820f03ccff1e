import { DuckDbWarehouse, type Row } from "../../scripts/warehouse/duckdb";

/** Runs SQL on a warehouse file, opening and closing it around the query (runs need it closed). */
export async function queryWarehouse(db: string, sql: string): Promise<Row[]> {
  const warehouse = await DuckDbWarehouse.open(db);
  try {
    return await warehouse.query(sql);
  } finally {
    warehouse.close();
  }
}
