import { landingTablesStatement, landRowsStatement, latestLedgerStatement, rawTables, type LoaderStatement } from "../cloud/bigquery-loader-sql";
import type { ToolingScript } from "./check-graph";
import retail = require("../../includes/retail");

const LOADER = "ecom load --warehouse bigquery";
/** Stands for the per-load table a load job creates (all STRING, one column per landing column). */
const EXAMPLE_PER_LOAD_TABLE = "_load_check";

/**
 * The statements the BigQuery loader sends, for `ecom check --warehouse bigquery`. (`ecom gcp setup`
 * and `ecom gcp schedule` send no SQL: they create datasets, buckets and Dataform configurations
 * through their APIs.)
 */
export function loaderScripts(projectId: string, rawDataset: string): ToolingScript[] {
  const tables = rawTables(projectId, rawDataset);
  const script = (source: string, statement: LoaderStatement, extra: Partial<ToolingScript> = {}): ToolingScript => ({
    source: `${LOADER}: ${source}`,
    sql: statement.sql,
    parameters: statement.parameterTypes,
    ...extra,
  });
  return [
    script("create the landing tables", landingTablesStatement(tables)),
    script("read the load ledger", latestLedgerStatement(tables)),
    script("land a load job's rows", landRowsStatement(tables, EXAMPLE_PER_LOAD_TABLE), {
      tables: [
        {
          name: `${projectId}.${rawDataset}.${EXAMPLE_PER_LOAD_TABLE}`,
          columns: retail.SOURCE_COLUMN_NAMES.map((name) => ({ name, type: "STRING" })),
        },
      ],
    }),
  ];
}
