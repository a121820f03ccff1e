-- assertion ecommerce_analytics_dashboard_rejects_by_reason_assertions_rowConditions
SELECT
  'rejected_rows >= 1' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_rejects_by_reason`
WHERE NOT (rejected_rows >= 1)
UNION ALL
SELECT
  'reject_reason IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_rejects_by_reason`
WHERE NOT (reject_reason IS NOT NULL)
UNION ALL
SELECT
  'rejected_rows IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_rejects_by_reason`
WHERE NOT (rejected_rows IS NOT NULL)
UNION ALL
SELECT
  'reason_rank IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_rejects_by_reason`
WHERE NOT (reason_rank IS NOT NULL)
