-- ecommerce_analytics.dashboard_country_monthly_revenue: table

-- query
WITH agg_daily_sales AS (
  SELECT * FROM `your-gcp-project.ecommerce_analytics.agg_daily_sales`
),

country_totals AS (
  SELECT
    agg_daily_sales.country,
    SUM(agg_daily_sales.gross_revenue) AS gross_revenue
  FROM agg_daily_sales
  GROUP BY agg_daily_sales.country
),

country_ranks AS (
  SELECT
    country_totals.country,
    ROW_NUMBER() OVER (ORDER BY country_totals.gross_revenue DESC, country_totals.country) AS country_rank
  FROM country_totals
),

days_grouped AS (
  SELECT
    DATE_TRUNC(agg_daily_sales.sales_date, MONTH) AS sales_month,
    CASE
      WHEN country_ranks.country_rank <= 5 THEN agg_daily_sales.country
      ELSE 'Other'
    END AS country_group,
    CASE
      WHEN country_ranks.country_rank <= 5 THEN country_ranks.country_rank
      ELSE CAST(6 AS INT64)
    END AS country_rank,
    agg_daily_sales.gross_revenue
  FROM agg_daily_sales
  INNER JOIN country_ranks
    ON country_ranks.country = agg_daily_sales.country
)

SELECT
  sales_month,
  country_group,
  country_rank,
  SUM(gross_revenue) AS gross_revenue
FROM days_grouped
GROUP BY sales_month, country_group, country_rank
