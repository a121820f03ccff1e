-- assertion fact_sales_keys_resolve
WITH fact_sales AS (
  SELECT * FROM `your-gcp-project.ecommerce_dwh.fact_sales`
)

SELECT 'date_key' AS key_name, CAST(fact_sales.date_key AS STRING) AS key_value, fact_sales.sales_line_id
FROM fact_sales
LEFT JOIN `your-gcp-project.ecommerce_dwh.dim_dates` AS dim_dates
  ON fact_sales.date_key = dim_dates.date_key
WHERE dim_dates.date_key IS NULL

UNION ALL

SELECT 'customer_key' AS key_name, fact_sales.customer_key AS key_value, fact_sales.sales_line_id
FROM fact_sales
LEFT JOIN `your-gcp-project.ecommerce_dwh.dim_customers` AS dim_customers
  ON fact_sales.customer_key = dim_customers.customer_key
WHERE dim_customers.customer_key IS NULL

UNION ALL

SELECT 'product_key' AS key_name, fact_sales.product_key AS key_value, fact_sales.sales_line_id
FROM fact_sales
LEFT JOIN `your-gcp-project.ecommerce_dwh.dim_products` AS dim_products
  ON fact_sales.product_key = dim_products.product_key
WHERE dim_products.product_key IS NULL
