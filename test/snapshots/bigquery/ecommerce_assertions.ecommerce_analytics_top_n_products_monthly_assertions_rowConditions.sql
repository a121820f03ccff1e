-- assertion ecommerce_analytics_top_n_products_monthly_assertions_rowConditions
SELECT
  'share_of_month_revenue <= 1' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.top_n_products_monthly`
WHERE NOT (share_of_month_revenue <= 1)
UNION ALL
SELECT
  'orders >= 1' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.top_n_products_monthly`
WHERE NOT (orders >= 1)
UNION ALL
SELECT
  'sales_month IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.top_n_products_monthly`
WHERE NOT (sales_month IS NOT NULL)
UNION ALL
SELECT
  'rank IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.top_n_products_monthly`
WHERE NOT (rank IS NOT NULL)
UNION ALL
SELECT
  'stock_code IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.top_n_products_monthly`
WHERE NOT (stock_code IS NOT NULL)
UNION ALL
SELECT
  'revenue IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.top_n_products_monthly`
WHERE NOT (revenue IS NOT NULL)
UNION ALL
SELECT
  'units IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.top_n_products_monthly`
WHERE NOT (units IS NOT NULL)
UNION ALL
SELECT
  'orders IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.top_n_products_monthly`
WHERE NOT (orders IS NOT NULL)
UNION ALL
SELECT
  'share_of_month_revenue IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.top_n_products_monthly`
WHERE NOT (share_of_month_revenue IS NOT NULL)
UNION ALL
SELECT
  'month_lines IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.top_n_products_monthly`
WHERE NOT (month_lines IS NOT NULL)
UNION ALL
SELECT
  '_loaded_at IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.top_n_products_monthly`
WHERE NOT (_loaded_at IS NOT NULL)
