-- assertion ecommerce_dwh_dim_customers_assertions_rowConditions
SELECT
  'is_unknown = (customer_id IS NULL)' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_dwh.dim_customers`
WHERE NOT (is_unknown = (customer_id IS NULL))
UNION ALL
SELECT
  'is_unknown OR country IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_dwh.dim_customers`
WHERE NOT (is_unknown OR country IS NOT NULL)
UNION ALL
SELECT
  'orders >= 0' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_dwh.dim_customers`
WHERE NOT (orders >= 0)
UNION ALL
SELECT
  'first_order_date <= last_order_date' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_dwh.dim_customers`
WHERE NOT (first_order_date <= last_order_date)
UNION ALL
SELECT
  '(orders = 0) = (first_order_date IS NULL)' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_dwh.dim_customers`
WHERE NOT ((orders = 0) = (first_order_date IS NULL))
UNION ALL
SELECT
  'customer_key IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_dwh.dim_customers`
WHERE NOT (customer_key IS NOT NULL)
UNION ALL
SELECT
  'orders IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_dwh.dim_customers`
WHERE NOT (orders IS NOT NULL)
UNION ALL
SELECT
  'revenue IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_dwh.dim_customers`
WHERE NOT (revenue IS NOT NULL)
UNION ALL
SELECT
  'is_unknown IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_dwh.dim_customers`
WHERE NOT (is_unknown IS NOT NULL)
