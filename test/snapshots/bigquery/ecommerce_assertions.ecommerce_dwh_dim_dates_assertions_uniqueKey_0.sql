-- assertion ecommerce_dwh_dim_dates_assertions_uniqueKey_0
SELECT
  *
FROM (
  SELECT
    date_key,
    COUNT(1) AS index_row_count
  FROM `your-gcp-project.ecommerce_dwh.dim_dates`
  GROUP BY date_key
  ) AS data
WHERE index_row_count > 1
