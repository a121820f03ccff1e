-- assertion ecommerce_dwh_dim_dates_assertions_rowConditions
SELECT
  'date_key IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_dwh.dim_dates`
WHERE NOT (date_key IS NOT NULL)
UNION ALL
SELECT
  'date IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_dwh.dim_dates`
WHERE NOT (date IS NOT NULL)
UNION ALL
SELECT
  'year IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_dwh.dim_dates`
WHERE NOT (year IS NOT NULL)
UNION ALL
SELECT
  'quarter IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_dwh.dim_dates`
WHERE NOT (quarter IS NOT NULL)
UNION ALL
SELECT
  'month IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_dwh.dim_dates`
WHERE NOT (month IS NOT NULL)
UNION ALL
SELECT
  'month_name IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_dwh.dim_dates`
WHERE NOT (month_name IS NOT NULL)
UNION ALL
SELECT
  'iso_week IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_dwh.dim_dates`
WHERE NOT (iso_week IS NOT NULL)
UNION ALL
SELECT
  'day_of_week IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_dwh.dim_dates`
WHERE NOT (day_of_week IS NOT NULL)
UNION ALL
SELECT
  'day_name IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_dwh.dim_dates`
WHERE NOT (day_name IS NOT NULL)
UNION ALL
SELECT
  'is_weekend IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_dwh.dim_dates`
WHERE NOT (is_weekend IS NOT NULL)
