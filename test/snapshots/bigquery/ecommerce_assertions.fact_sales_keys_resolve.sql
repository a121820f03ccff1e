-- assertion fact_sales_keys_resolve
-- Each key's distinct values first: there are a few hundred days and some thousands of customers
-- and products, against millions of lines, so each dimension is joined with a short list, and the
-- fact is read once per key column rather than carried whole through three joins.
WITH date_keys AS (
  SELECT date_key, COUNT(*) AS lines
  FROM `your-gcp-project.ecommerce_dwh.fact_sales`
  GROUP BY date_key
),

customer_keys AS (
  SELECT customer_key, COUNT(*) AS lines
  FROM `your-gcp-project.ecommerce_dwh.fact_sales`
  GROUP BY customer_key
),

product_keys AS (
  SELECT product_key, COUNT(*) AS lines
  FROM `your-gcp-project.ecommerce_dwh.fact_sales`
  GROUP BY product_key
)

SELECT 'date_key' AS key_name, CAST(date_keys.date_key AS STRING) AS key_value, date_keys.lines
FROM date_keys
LEFT JOIN `your-gcp-project.ecommerce_dwh.dim_dates` AS dim_dates
  ON date_keys.date_key = dim_dates.date_key
WHERE dim_dates.date_key IS NULL

UNION ALL

SELECT 'customer_key' AS key_name, customer_keys.customer_key AS key_value, customer_keys.lines
FROM customer_keys
LEFT JOIN `your-gcp-project.ecommerce_dwh.dim_customers` AS dim_customers
  ON customer_keys.customer_key = dim_customers.customer_key
WHERE dim_customers.customer_key IS NULL

UNION ALL

SELECT 'product_key' AS key_name, product_keys.product_key AS key_value, product_keys.lines
FROM product_keys
LEFT JOIN `your-gcp-project.ecommerce_dwh.dim_products` AS dim_products
  ON product_keys.product_key = dim_products.product_key
WHERE dim_products.product_key IS NULL
