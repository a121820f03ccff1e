import { formatCount, formatTable } from "./format";
import { targetName, type CompiledGraph, type Target } from "./dataform/compiled-graph";
import { DASHBOARD_TABLES } from "./dashboard/read-models";
import { planActions } from "./runner/action-graph";
import type { Row, Warehouse } from "./warehouse/warehouse";

export interface TableCount {
  name: string;
  /** Rows in the table; undefined for a view (counting it would run it) or a missing table. */
  rows?: number;
  kind: "source" | "table" | "view" | "missing";
}

export interface WarehouseSummary {
  tables: TableCount[];
  /** agg_customer_segments (a dashboard table), where the graph has it. */
  segments: Row[];
}

/**
 * What a user looks at after a run: the graph's sources and tables with their row counts, in the
 * order data flows (sources first, then by schema as the graph lists them), and the RFM segments.
 */
export async function collectSummary(warehouse: Warehouse, graph: CompiledGraph): Promise<WarehouseSummary> {
  const tables: TableCount[] = [];
  const existing = await warehouse.relations();
  const count = async (target: Target, kind: "source" | "table" | "view"): Promise<TableCount> => {
    const name = targetName(target);
    if (!existing.has(target.schema, target.name)) return { name, kind: "missing" };
    if (kind === "view") return { name, kind };
    const rows = Number(await warehouse.scalar(`SELECT COUNT(*) FROM ${warehouse.table(target.schema, target.name)}`));
    return { name, kind, rows };
  };
  for (const declaration of graph.declarations ?? []) tables.push(await count(declaration.target, "source"));
  // Tables in the order the run builds them, so the list reads as the data flows.
  for (const { runnable } of planActions(graph)) {
    if (runnable.kind === "table") tables.push(await count(runnable.action.target, runnable.action.type === "view" ? "view" : "table"));
  }
  // The segments as the dashboard shows them, where the graph has that table (another project may not).
  const segmentsTable = (graph.tables ?? []).find((table) => table.target.name === DASHBOARD_TABLES.segments.name)?.target;
  const segments =
    segmentsTable && existing.has(segmentsTable.schema, segmentsTable.name)
      ? await warehouse.query(`SELECT * FROM ${warehouse.table(segmentsTable.schema, segmentsTable.name)} ORDER BY segment_order`)
      : [];
  return { tables, segments };
}

export function formatSummary(summary: WarehouseSummary): string[] {
  const lines = ["Tables:"];
  const rows = summary.tables.map((table) => [
    table.name,
    table.rows !== undefined ? formatCount(table.rows) : table.kind === "view" ? "(view)" : "(missing)",
  ]);
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
