-- assertion ecommerce_staging_stg_sales_assertions_rowConditions
SELECT
  'sales_line_id IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_staging.stg_sales`
WHERE NOT (sales_line_id IS NOT NULL)
UNION ALL
SELECT
  'invoice_no IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_staging.stg_sales`
WHERE NOT (invoice_no IS NOT NULL)
UNION ALL
SELECT
  'stock_code IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_staging.stg_sales`
WHERE NOT (stock_code IS NOT NULL)
UNION ALL
SELECT
  'quantity IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_staging.stg_sales`
WHERE NOT (quantity IS NOT NULL)
UNION ALL
SELECT
  'unit_price IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_staging.stg_sales`
WHERE NOT (unit_price IS NOT NULL)
UNION ALL
SELECT
  'line_amount IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_staging.stg_sales`
WHERE NOT (line_amount IS NOT NULL)
UNION ALL
SELECT
  'invoice_ts IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_staging.stg_sales`
WHERE NOT (invoice_ts IS NOT NULL)
UNION ALL
SELECT
  'invoice_date IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_staging.stg_sales`
WHERE NOT (invoice_date IS NOT NULL)
UNION ALL
SELECT
  'country IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_staging.stg_sales`
WHERE NOT (country IS NOT NULL)
UNION ALL
SELECT
  '_source_file IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_staging.stg_sales`
WHERE NOT (_source_file IS NOT NULL)
UNION ALL
SELECT
  '_loaded_at IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_staging.stg_sales`
WHERE NOT (_loaded_at IS NOT NULL)
