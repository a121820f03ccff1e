-- ecommerce_analytics.dashboard_daily_revenue: table

-- query
WITH agg_daily_sales AS (
  SELECT * FROM `your-gcp-project.ecommerce_analytics.agg_daily_sales`
),

dim_dates AS (
  SELECT * FROM `your-gcp-project.ecommerce_dwh.dim_dates`
),

day_totals AS (
  SELECT
    agg_daily_sales.sales_date,
    SUM(agg_daily_sales.gross_revenue) AS gross_revenue,
    SUM(agg_daily_sales.net_revenue) AS net_revenue
  FROM agg_daily_sales
  GROUP BY agg_daily_sales.sales_date
),

calendar_days AS (
  SELECT
    dim_dates.date AS sales_date,
    COALESCE(day_totals.gross_revenue, CAST(0 AS NUMERIC)) AS gross_revenue,
    COALESCE(day_totals.net_revenue, CAST(0 AS NUMERIC)) AS net_revenue
  FROM dim_dates
  LEFT JOIN day_totals
    ON day_totals.sales_date = dim_dates.date
),

calendar_days_windowed AS (
  SELECT
    calendar_days.sales_date,
    calendar_days.gross_revenue,
    calendar_days.net_revenue,
    SUM(calendar_days.gross_revenue) OVER last_7_days AS gross_revenue_7_days,
    COUNT(*) OVER last_7_days AS days_in_window
  FROM calendar_days
  WINDOW last_7_days AS (ORDER BY calendar_days.sales_date ROWS BETWEEN 6 PRECEDING AND CURRENT ROW)
)

-- A sum of pennies over 7 is never halfway between two pennies, so rounding the NUMERIC quotient
-- gives the same penny on both engines.
SELECT
  sales_date,
  gross_revenue,
  net_revenue,
  CASE
    WHEN days_in_window = 7
      THEN CAST(ROUND(SAFE_DIVIDE(gross_revenue_7_days, 7), 2) AS NUMERIC)
  END AS gross_revenue_7_day_average
FROM calendar_days_windowed
