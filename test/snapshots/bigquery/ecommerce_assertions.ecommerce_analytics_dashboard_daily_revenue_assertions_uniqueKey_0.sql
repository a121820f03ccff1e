-- assertion ecommerce_analytics_dashboard_daily_revenue_assertions_uniqueKey_0
SELECT
  *
FROM (
  SELECT
    sales_date,
    COUNT(1) AS index_row_count
  FROM `your-gcp-project.ecommerce_analytics.dashboard_daily_revenue`
  GROUP BY sales_date
  ) AS data
WHERE index_row_count > 1
