-- assertion ecommerce_dwh_dim_customers_assertions_uniqueKey_0
SELECT
  *
FROM (
  SELECT
    customer_key,
    COUNT(1) AS index_row_count
  FROM `your-gcp-project.ecommerce_dwh.dim_customers`
  GROUP BY customer_key
  ) AS data
WHERE index_row_count > 1
