-- assertion ecommerce_analytics_dashboard_data_quality_assertions_uniqueKey_0
SELECT
  *
FROM (
  SELECT
    last_loaded_at,
    COUNT(1) AS index_row_count
  FROM `your-gcp-project.ecommerce_analytics.dashboard_data_quality`
  GROUP BY last_loaded_at
  ) AS data
WHERE index_row_count > 1
