-- ecommerce_analytics.dashboard_data_quality: table

-- query
SELECT
  (SELECT MAX(loaded_at) FROM `your-gcp-project.ecommerce_raw.load_ledger`) AS last_loaded_at,
  (SELECT COUNT(*) FROM `your-gcp-project.ecommerce_raw.load_ledger`) AS files_loaded,
  (SELECT COUNT(*) FROM `your-gcp-project.ecommerce_raw.raw_sales`) AS raw_rows,
  (SELECT COUNT(*) FROM `your-gcp-project.ecommerce_staging.stg_sales`) AS staged_rows,
  (SELECT COUNT(*) FROM `your-gcp-project.ecommerce_staging.stg_sales_rejected`) AS rejected_rows,
  (SELECT COUNT(*) FROM `your-gcp-project.ecommerce_raw.raw_sales_malformed`) AS malformed_lines
