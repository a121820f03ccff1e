-- assertion ecommerce_analytics_dashboard_country_monthly_revenue_assertions_rowConditions
SELECT
  'gross_revenue >= 0' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_country_monthly_revenue`
WHERE NOT (gross_revenue >= 0)
UNION ALL
SELECT
  'sales_month IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_country_monthly_revenue`
WHERE NOT (sales_month IS NOT NULL)
UNION ALL
SELECT
  'country_group IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_country_monthly_revenue`
WHERE NOT (country_group IS NOT NULL)
UNION ALL
SELECT
  'country_rank IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_country_monthly_revenue`
WHERE NOT (country_rank IS NOT NULL)
UNION ALL
SELECT
  'gross_revenue IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_country_monthly_revenue`
WHERE NOT (gross_revenue IS NOT NULL)
