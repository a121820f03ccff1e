-- assertion ecommerce_staging_stg_sales_assertions_uniqueKey_0
SELECT
  *
FROM (
  SELECT
    sales_line_id,
    COUNT(1) AS index_row_count
  FROM `your-gcp-project.ecommerce_staging.stg_sales`
  GROUP BY sales_line_id
  ) AS data
WHERE index_row_count > 1
