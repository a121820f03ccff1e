-- assertion ecommerce_analytics_dashboard_data_quality_assertions_rowConditions
SELECT
  'files_loaded IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_data_quality`
WHERE NOT (files_loaded IS NOT NULL)
UNION ALL
SELECT
  'raw_rows IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_data_quality`
WHERE NOT (raw_rows IS NOT NULL)
UNION ALL
SELECT
  'staged_rows IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_data_quality`
WHERE NOT (staged_rows IS NOT NULL)
UNION ALL
SELECT
  'rejected_rows IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_data_quality`
WHERE NOT (rejected_rows IS NOT NULL)
UNION ALL
SELECT
  'malformed_lines IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_data_quality`
WHERE NOT (malformed_lines IS NOT NULL)
