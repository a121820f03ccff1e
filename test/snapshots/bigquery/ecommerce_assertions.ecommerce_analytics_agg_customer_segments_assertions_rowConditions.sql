-- assertion ecommerce_analytics_agg_customer_segments_assertions_rowConditions
SELECT
  'customers >= 0' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.agg_customer_segments`
WHERE NOT (customers >= 0)
UNION ALL
SELECT
  '(customers = 0) = (avg_frequency IS NULL)' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.agg_customer_segments`
WHERE NOT ((customers = 0) = (avg_frequency IS NULL))
UNION ALL
SELECT
  'share_of_customers BETWEEN 0 AND 1' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.agg_customer_segments`
WHERE NOT (share_of_customers BETWEEN 0 AND 1)
UNION ALL
SELECT
  'segment IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.agg_customer_segments`
WHERE NOT (segment IS NOT NULL)
UNION ALL
SELECT
  'segment_order IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.agg_customer_segments`
WHERE NOT (segment_order IS NOT NULL)
UNION ALL
SELECT
  'customers IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.agg_customer_segments`
WHERE NOT (customers IS NOT NULL)
UNION ALL
SELECT
  'revenue IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.agg_customer_segments`
WHERE NOT (revenue IS NOT NULL)
