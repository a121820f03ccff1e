-- assertion raw_rows_reconcile
WITH counts AS (
  SELECT
    (SELECT COUNT(*) FROM `your-gcp-project.ecommerce_raw.raw_sales`) AS raw_rows,
    (SELECT COUNT(*) FROM `your-gcp-project.ecommerce_staging.stg_sales`) AS staged_rows,
    (SELECT COUNT(*) FROM `your-gcp-project.ecommerce_staging.stg_sales_rejected`) AS rejected_rows
)

SELECT *
FROM counts
WHERE raw_rows <> staged_rows + rejected_rows
