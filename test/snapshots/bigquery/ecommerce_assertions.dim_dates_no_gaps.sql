-- assertion dim_dates_no_gaps
WITH calendar AS (
  SELECT MIN(date) AS first_date, MAX(date) AS last_date, COUNT(*) AS days
  FROM `your-gcp-project.ecommerce_dwh.dim_dates`
),

sales AS (
  SELECT MIN(invoice_date) AS first_date, MAX(invoice_date) AS last_date
  FROM `your-gcp-project.ecommerce_staging.stg_sales`
)

SELECT
  calendar.first_date,
  calendar.last_date,
  calendar.days,
  DATE_DIFF(calendar.last_date, calendar.first_date, DAY) + 1 AS expected_days
FROM calendar
CROSS JOIN sales
WHERE calendar.days <> DATE_DIFF(calendar.last_date, calendar.first_date, DAY) + 1
  OR calendar.first_date > sales.first_date
  OR calendar.last_date < sales.last_date
