import { DATASETS } from "../config";

/**
 * The tables tagged `dashboard` in definitions/: everything the local dashboard shows, and the data
 * sources of the Looker Studio report, so both show the same figures. The SQL, grain, columns and
 * assertions of each are in its SQLX file; test/dashboard/read-models.test.ts holds this list to the
 * compiled graph's `dashboard` tag.
 */
export const DASHBOARD_TABLES = {
  kpis: { name: "dashboard_kpis", title: "Key figures" },
  dailyRevenue: { name: "dashboard_daily_revenue", title: "Daily revenue" },
  countryMonthlyRevenue: { name: "dashboard_country_monthly_revenue", title: "Monthly revenue by country" },
  segments: { name: "agg_customer_segments", title: "RFM segments" },
  rfGrid: { name: "dashboard_rf_grid", title: "R x F grid" },
  topProducts: { name: "top_n_products_monthly", title: "Top products per month" },
  dataQuality: { name: "dashboard_data_quality", title: "Data quality" },
  rejectsByReason: { name: "dashboard_rejects_by_reason", title: "Rejected lines by reason" },
} as const;

export type DashboardTable = keyof typeof DASHBOARD_TABLES;

/** Every dashboard table lives in the analytics dataset, where Looker Studio connects. */
export const DASHBOARD_DATASET = DATASETS.analytics;
