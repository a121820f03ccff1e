-- assertion ecommerce_analytics_dashboard_daily_revenue_assertions_rowConditions
SELECT
  'gross_revenue >= 0' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_daily_revenue`
WHERE NOT (gross_revenue >= 0)
UNION ALL
SELECT
  'net_revenue <= gross_revenue' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_daily_revenue`
WHERE NOT (net_revenue <= gross_revenue)
UNION ALL
SELECT
  'gross_revenue_7_day_average IS NULL OR gross_revenue_7_day_average >= 0' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_daily_revenue`
WHERE NOT (gross_revenue_7_day_average IS NULL OR gross_revenue_7_day_average >= 0)
UNION ALL
SELECT
  'sales_date IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_daily_revenue`
WHERE NOT (sales_date IS NOT NULL)
UNION ALL
SELECT
  'gross_revenue IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_daily_revenue`
WHERE NOT (gross_revenue IS NOT NULL)
UNION ALL
SELECT
  'net_revenue IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_daily_revenue`
WHERE NOT (net_revenue IS NOT NULL)
