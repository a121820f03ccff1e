-- assertion ecommerce_analytics_dashboard_rejects_by_reason_assertions_uniqueKey_0
SELECT
  *
FROM (
  SELECT
    reject_reason,
    COUNT(1) AS index_row_count
  FROM `your-gcp-project.ecommerce_analytics.dashboard_rejects_by_reason`
  GROUP BY reject_reason
  ) AS data
WHERE index_row_count > 1
