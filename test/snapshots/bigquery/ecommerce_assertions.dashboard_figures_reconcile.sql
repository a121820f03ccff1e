-- assertion dashboard_figures_reconcile
WITH dashboard_kpis AS (
  SELECT * FROM `your-gcp-project.ecommerce_analytics.dashboard_kpis`
),

daily_totals AS (
  SELECT
    COALESCE(SUM(gross_revenue), 0) AS gross_revenue,
    COALESCE(SUM(net_revenue), 0) AS net_revenue
  FROM `your-gcp-project.ecommerce_analytics.dashboard_daily_revenue`
),

country_totals AS (
  SELECT COALESCE(SUM(gross_revenue), 0) AS gross_revenue
  FROM `your-gcp-project.ecommerce_analytics.dashboard_country_monthly_revenue`
),

grid_totals AS (
  SELECT COALESCE(SUM(customers), 0) AS customers
  FROM `your-gcp-project.ecommerce_analytics.dashboard_rf_grid`
),

figures AS (
  SELECT 'daily gross revenue' AS figure, dashboard_kpis.gross_revenue AS kpi_value, daily_totals.gross_revenue AS table_value
  FROM dashboard_kpis CROSS JOIN daily_totals
  UNION ALL
  SELECT 'daily net revenue', dashboard_kpis.net_revenue, daily_totals.net_revenue
  FROM dashboard_kpis CROSS JOIN daily_totals
  UNION ALL
  SELECT 'monthly gross revenue by country', dashboard_kpis.gross_revenue, country_totals.gross_revenue
  FROM dashboard_kpis CROSS JOIN country_totals
  UNION ALL
  SELECT 'R x F grid customers', CAST(dashboard_kpis.rfm_customers AS NUMERIC), CAST(grid_totals.customers AS NUMERIC)
  FROM dashboard_kpis CROSS JOIN grid_totals
)

SELECT
  figure,
  CAST(kpi_value AS STRING) AS kpi_value,
  CAST(table_value AS STRING) AS table_value
FROM figures
WHERE kpi_value <> table_value
