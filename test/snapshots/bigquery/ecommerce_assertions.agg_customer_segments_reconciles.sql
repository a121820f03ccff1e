-- assertion agg_customer_segments_reconciles
WITH customer_rfm_totals AS (
  SELECT COUNT(*) AS customers, COALESCE(SUM(monetary), 0) AS revenue
  FROM `your-gcp-project.ecommerce_analytics.customer_rfm`
),

segment_totals AS (
  SELECT COALESCE(SUM(customers), 0) AS customers, COALESCE(SUM(revenue), 0) AS revenue
  FROM `your-gcp-project.ecommerce_analytics.agg_customer_segments`
)

SELECT
  'customers' AS measure,
  CAST(customer_rfm_totals.customers AS STRING) AS customer_rfm,
  CAST(segment_totals.customers AS STRING) AS agg_customer_segments
FROM customer_rfm_totals
CROSS JOIN segment_totals
WHERE customer_rfm_totals.customers <> segment_totals.customers

UNION ALL

SELECT
  'revenue' AS measure,
  CAST(customer_rfm_totals.revenue AS STRING),
  CAST(segment_totals.revenue AS STRING)
FROM customer_rfm_totals
CROSS JOIN segment_totals
WHERE customer_rfm_totals.revenue <> segment_totals.revenue
