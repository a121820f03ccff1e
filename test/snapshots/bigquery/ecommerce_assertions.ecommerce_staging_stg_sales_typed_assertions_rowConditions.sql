-- assertion ecommerce_staging_stg_sales_typed_assertions_rowConditions
SELECT
  'line_hash IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_staging.stg_sales_typed`
WHERE NOT (line_hash IS NOT NULL)
UNION ALL
SELECT
  '_source_file IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_staging.stg_sales_typed`
WHERE NOT (_source_file IS NOT NULL)
