-- assertion ecommerce_staging_stg_sales_rejected_assertions_rowConditions
SELECT
  'sales_line_id IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_staging.stg_sales_rejected`
WHERE NOT (sales_line_id IS NOT NULL)
UNION ALL
SELECT
  'reject_reason IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_staging.stg_sales_rejected`
WHERE NOT (reject_reason IS NOT NULL)
UNION ALL
SELECT
  '_source_file IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_staging.stg_sales_rejected`
WHERE NOT (_source_file IS NOT NULL)
