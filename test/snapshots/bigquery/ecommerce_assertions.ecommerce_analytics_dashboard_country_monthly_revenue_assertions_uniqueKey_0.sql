-- assertion ecommerce_analytics_dashboard_country_monthly_revenue_assertions_uniqueKey_0
SELECT
  *
FROM (
  SELECT
    sales_month, country_group,
    COUNT(1) AS index_row_count
  FROM `your-gcp-project.ecommerce_analytics.dashboard_country_monthly_revenue`
  GROUP BY sales_month, country_group
  ) AS data
WHERE index_row_count > 1
