-- assertion ecommerce_analytics_agg_daily_sales_assertions_rowConditions
SELECT
  'gross_revenue >= 0' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.agg_daily_sales`
WHERE NOT (gross_revenue >= 0)
UNION ALL
SELECT
  'cancelled_revenue <= 0' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.agg_daily_sales`
WHERE NOT (cancelled_revenue <= 0)
UNION ALL
SELECT
  'net_revenue = gross_revenue + cancelled_revenue' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.agg_daily_sales`
WHERE NOT (net_revenue = gross_revenue + cancelled_revenue)
UNION ALL
SELECT
  'customers <= orders' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.agg_daily_sales`
WHERE NOT (customers <= orders)
UNION ALL
SELECT
  '(orders = 0) = (avg_order_value IS NULL)' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.agg_daily_sales`
WHERE NOT ((orders = 0) = (avg_order_value IS NULL))
UNION ALL
SELECT
  'lines >= 1' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.agg_daily_sales`
WHERE NOT (lines >= 1)
UNION ALL
SELECT
  'sales_date IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.agg_daily_sales`
WHERE NOT (sales_date IS NOT NULL)
UNION ALL
SELECT
  'country IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.agg_daily_sales`
WHERE NOT (country IS NOT NULL)
UNION ALL
SELECT
  'gross_revenue IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.agg_daily_sales`
WHERE NOT (gross_revenue IS NOT NULL)
UNION ALL
SELECT
  'cancelled_revenue IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.agg_daily_sales`
WHERE NOT (cancelled_revenue IS NOT NULL)
UNION ALL
SELECT
  'net_revenue IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.agg_daily_sales`
WHERE NOT (net_revenue IS NOT NULL)
UNION ALL
SELECT
  'orders IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.agg_daily_sales`
WHERE NOT (orders IS NOT NULL)
UNION ALL
SELECT
  'customers IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.agg_daily_sales`
WHERE NOT (customers IS NOT NULL)
UNION ALL
SELECT
  'units IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.agg_daily_sales`
WHERE NOT (units IS NOT NULL)
UNION ALL
SELECT
  'lines IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.agg_daily_sales`
WHERE NOT (lines IS NOT NULL)
UNION ALL
SELECT
  '_loaded_at IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.agg_daily_sales`
WHERE NOT (_loaded_at IS NOT NULL)
