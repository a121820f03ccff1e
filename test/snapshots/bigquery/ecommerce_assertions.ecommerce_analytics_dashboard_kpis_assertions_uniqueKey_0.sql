-- assertion ecommerce_analytics_dashboard_kpis_assertions_uniqueKey_0
SELECT
  *
FROM (
  SELECT
    first_sales_date,
    COUNT(1) AS index_row_count
  FROM `your-gcp-project.ecommerce_analytics.dashboard_kpis`
  GROUP BY first_sales_date
  ) AS data
WHERE index_row_count > 1
