-- assertion ecommerce_analytics_agg_daily_sales_assertions_uniqueKey_0
SELECT
  *
FROM (
  SELECT
    sales_date, country,
    COUNT(1) AS index_row_count
  FROM `your-gcp-project.ecommerce_analytics.agg_daily_sales`
  GROUP BY sales_date, country
  ) AS data
WHERE index_row_count > 1
