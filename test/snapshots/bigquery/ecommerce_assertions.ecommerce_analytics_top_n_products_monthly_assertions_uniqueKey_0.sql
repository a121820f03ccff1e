-- assertion ecommerce_analytics_top_n_products_monthly_assertions_uniqueKey_0
SELECT
  *
FROM (
  SELECT
    sales_month, rank,
    COUNT(1) AS index_row_count
  FROM `your-gcp-project.ecommerce_analytics.top_n_products_monthly`
  GROUP BY sales_month, rank
  ) AS data
WHERE index_row_count > 1
