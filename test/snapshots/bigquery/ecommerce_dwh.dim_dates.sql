-- ecommerce_dwh.dim_dates: table

-- query
WITH stg_sales AS (
  SELECT * FROM `your-gcp-project.ecommerce_staging.stg_sales`
),

sale_date_bounds AS (
  SELECT
    MIN(stg_sales.invoice_date) AS first_date,
    MAX(stg_sales.invoice_date) AS last_date
  FROM stg_sales
),

calendar_days AS (
  SELECT date_day FROM UNNEST(GENERATE_DATE_ARRAY((SELECT first_date FROM sale_date_bounds), (SELECT last_date FROM sale_date_bounds))) AS date_day
)

SELECT
  (EXTRACT(YEAR FROM date_day) * 10000 + EXTRACT(MONTH FROM date_day) * 100 + EXTRACT(DAY FROM date_day)) AS date_key,
  date_day AS date,
  EXTRACT(YEAR FROM date_day) AS year,
  EXTRACT(QUARTER FROM date_day) AS quarter,
  EXTRACT(MONTH FROM date_day) AS month,
  FORMAT_DATE('%B', date_day) AS month_name,
  EXTRACT(ISOWEEK FROM date_day) AS iso_week,
  MOD(EXTRACT(DAYOFWEEK FROM date_day) + 5, 7) + 1 AS day_of_week,
  FORMAT_DATE('%A', date_day) AS day_name,
  MOD(EXTRACT(DAYOFWEEK FROM date_day) + 5, 7) + 1 >= 6 AS is_weekend
FROM calendar_days
