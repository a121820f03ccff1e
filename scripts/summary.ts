import { formatCount, formatTable } from "./cli/output";
import type { DuckDbWarehouse, Row } from "./warehouse/duckdb";

/** The tables a user looks at after a run, in the order data flows through them. */
export const SUMMARY_TABLES = [
  "ecommerce_raw.raw_sales",
  "ecommerce_staging.stg_sales",
  "ecommerce_staging.stg_sales_rejected",
  "ecommerce_dwh.dim_customers",
  "ecommerce_dwh.dim_products",
  "ecommerce_dwh.dim_dates",
  "ecommerce_dwh.fact_sales",
  "ecommerce_analytics.agg_daily_sales",
  "ecommerce_analytics.customer_rfm",
  "ecommerce_analytics.agg_customer_segments",
  "ecommerce_analytics.top_n_products_monthly",
] as const;

export interface WarehouseSummary {
  /** Rows per table; absent when the table does not exist (yet). */
  tableRows: Record<string, number | undefined>;
  segments: Row[];
}

export async function collectSummary(warehouse: DuckDbWarehouse): Promise<WarehouseSummary> {
  const tableRows: Record<string, number | undefined> = {};
  for (const table of SUMMARY_TABLES) {
    const [schema, name] = table.split(".") as [string, string];
    tableRows[table] = (await warehouse.tableExists(schema, name))
      ? Number(await warehouse.scalar(`SELECT COUNT(*) FROM ${schema}.${name}`))
      : undefined;
  }
  const segments = (await warehouse.tableExists("ecommerce_analytics", "agg_customer_segments"))
    ? await warehouse.query(
        `SELECT segment, customers, share_of_customers, revenue, share_of_revenue, avg_recency_days, as_of_date
         FROM ecommerce_analytics.agg_customer_segments ORDER BY segment_order`
      )
    : [];
  return { tableRows, segments };
}

export function formatSummary(summary: WarehouseSummary): string[] {
  const lines = ["Tables:"];
  const rows = SUMMARY_TABLES.map((table) => [table, summary.tableRows[table] === undefined ? "(missing)" : formatCount(summary.tableRows[table] as number)]);
  lines.push(...formatTable(["table", "rows"], rows).map((line) => `  ${line}`));
  if (summary.segments.length > 0) {
    const asOf = summary.segments.find((segment) => segment.as_of_date)?.as_of_date ?? "n/a";
    lines.push("", `Customer segments (RFM as of ${String(asOf)}):`);
    const percent = (value: unknown) => (value === null ? "-" : `${(Number(value) * 100).toFixed(1)}%`);
    const segmentRows = summary.segments.map((segment) => [
      String(segment.segment),
      formatCount(Number(segment.customers)),
      percent(segment.share_of_customers),
      `£${Number(segment.revenue).toLocaleString("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`,
      percent(segment.share_of_revenue),
      segment.avg_recency_days === null ? "-" : Number(segment.avg_recency_days).toFixed(0),
    ]);
    lines.push(
      ...formatTable(["segment", "customers", "share", "revenue", "share", "avg recency (days)"], segmentRows).map((line) => `  ${line}`)
    );
  }
  return lines;
}
