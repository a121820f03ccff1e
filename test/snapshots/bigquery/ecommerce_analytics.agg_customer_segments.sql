-- ecommerce_analytics.agg_customer_segments: table

-- query
WITH customer_rfm AS (
  SELECT * FROM `your-gcp-project.ecommerce_analytics.customer_rfm`
),

segments AS (
  SELECT 'Champions' AS segment, CAST(1 AS INT64) AS segment_order
  UNION ALL SELECT 'Potential Loyalists' AS segment, CAST(2 AS INT64) AS segment_order
  UNION ALL SELECT 'New Customers' AS segment, CAST(3 AS INT64) AS segment_order
  UNION ALL SELECT 'Loyal Customers' AS segment, CAST(4 AS INT64) AS segment_order
  UNION ALL SELECT 'Promising' AS segment, CAST(5 AS INT64) AS segment_order
  UNION ALL SELECT 'Need Attention' AS segment, CAST(6 AS INT64) AS segment_order
  UNION ALL SELECT 'About To Sleep' AS segment, CAST(7 AS INT64) AS segment_order
  UNION ALL SELECT 'Can\'t Lose Them' AS segment, CAST(8 AS INT64) AS segment_order
  UNION ALL SELECT 'At Risk' AS segment, CAST(9 AS INT64) AS segment_order
  UNION ALL SELECT 'Hibernating' AS segment, CAST(10 AS INT64) AS segment_order
),

segment_totals AS (
  SELECT
    customer_rfm.segment,
    COUNT(*) AS customers,
    SUM(customer_rfm.monetary) AS revenue,
    SUM(customer_rfm.recency_days) AS recency_days,
    SUM(customer_rfm.frequency) AS frequency
  FROM customer_rfm
  GROUP BY customer_rfm.segment
),

population AS (
  SELECT
    COUNT(*) AS customers,
    SUM(customer_rfm.monetary) AS revenue,
    MAX(customer_rfm.as_of_date) AS as_of_date
  FROM customer_rfm
)

SELECT
  segments.segment,
  segments.segment_order,
  COALESCE(segment_totals.customers, 0) AS customers,
  CAST(COALESCE(segment_totals.customers, 0) AS FLOAT64) / NULLIF(population.customers, 0) AS share_of_customers,
  COALESCE(segment_totals.revenue, CAST(0 AS NUMERIC)) AS revenue,
  CAST(COALESCE(segment_totals.revenue, 0) AS FLOAT64) / NULLIF(population.revenue, 0) AS share_of_revenue,
  CAST(segment_totals.recency_days AS FLOAT64) / NULLIF(segment_totals.customers, 0) AS avg_recency_days,
  CAST(segment_totals.frequency AS FLOAT64) / NULLIF(segment_totals.customers, 0) AS avg_frequency,
  CAST(ROUND(SAFE_DIVIDE(segment_totals.revenue, segment_totals.customers), 2) AS NUMERIC) AS avg_monetary,
  population.as_of_date
FROM segments
CROSS JOIN population
LEFT JOIN segment_totals
  ON segments.segment = segment_totals.segment
