-- assertion ecommerce_analytics_dashboard_rf_grid_assertions_rowConditions
SELECT
  'customers >= 0' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_rf_grid`
WHERE NOT (customers >= 0)
UNION ALL
SELECT
  'r_score IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_rf_grid`
WHERE NOT (r_score IS NOT NULL)
UNION ALL
SELECT
  'f_score IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_rf_grid`
WHERE NOT (f_score IS NOT NULL)
UNION ALL
SELECT
  'segment IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_rf_grid`
WHERE NOT (segment IS NOT NULL)
UNION ALL
SELECT
  'customers IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_rf_grid`
WHERE NOT (customers IS NOT NULL)
