-- assertion ecommerce_dwh_dim_products_assertions_rowConditions
SELECT
  'product_key IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_dwh.dim_products`
WHERE NOT (product_key IS NOT NULL)
UNION ALL
SELECT
  'stock_code IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_dwh.dim_products`
WHERE NOT (stock_code IS NOT NULL)
UNION ALL
SELECT
  'is_product IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_dwh.dim_products`
WHERE NOT (is_product IS NOT NULL)
UNION ALL
SELECT
  'category IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_dwh.dim_products`
WHERE NOT (category IS NOT NULL)
