-- assertion ecommerce_analytics_dashboard_kpis_assertions_rowConditions
SELECT
  'gross_revenue >= 0' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_kpis`
WHERE NOT (gross_revenue >= 0)
UNION ALL
SELECT
  'cancelled_revenue <= 0' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_kpis`
WHERE NOT (cancelled_revenue <= 0)
UNION ALL
SELECT
  'customers <= orders' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_kpis`
WHERE NOT (customers <= orders)
UNION ALL
SELECT
  'rfm_customers <= customers' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_kpis`
WHERE NOT (rfm_customers <= customers)
UNION ALL
SELECT
  '(orders = 0) = (average_order_value IS NULL)' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_kpis`
WHERE NOT ((orders = 0) = (average_order_value IS NULL))
UNION ALL
SELECT
  'gross_revenue IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_kpis`
WHERE NOT (gross_revenue IS NOT NULL)
UNION ALL
SELECT
  'cancelled_revenue IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_kpis`
WHERE NOT (cancelled_revenue IS NOT NULL)
UNION ALL
SELECT
  'net_revenue IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_kpis`
WHERE NOT (net_revenue IS NOT NULL)
UNION ALL
SELECT
  'orders IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_kpis`
WHERE NOT (orders IS NOT NULL)
UNION ALL
SELECT
  'customers IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_kpis`
WHERE NOT (customers IS NOT NULL)
UNION ALL
SELECT
  'rfm_customers IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.dashboard_kpis`
WHERE NOT (rfm_customers IS NOT NULL)
