-- assertion ecommerce_dwh_dim_products_assertions_uniqueKey_0
SELECT
  *
FROM (
  SELECT
    product_key,
    COUNT(1) AS index_row_count
  FROM `your-gcp-project.ecommerce_dwh.dim_products`
  GROUP BY product_key
  ) AS data
WHERE index_row_count > 1
