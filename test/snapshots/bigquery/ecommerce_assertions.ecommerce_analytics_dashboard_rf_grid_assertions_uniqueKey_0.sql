-- assertion ecommerce_analytics_dashboard_rf_grid_assertions_uniqueKey_0
SELECT
  *
FROM (
  SELECT
    r_score, f_score,
    COUNT(1) AS index_row_count
  FROM `your-gcp-project.ecommerce_analytics.dashboard_rf_grid`
  GROUP BY r_score, f_score
  ) AS data
WHERE index_row_count > 1
