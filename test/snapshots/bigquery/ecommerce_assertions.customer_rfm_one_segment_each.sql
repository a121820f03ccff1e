-- assertion customer_rfm_one_segment_each
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

customer_segment_counts AS (
  SELECT customer_rfm.customer_id, COUNT(*) AS rows_for_customer, MAX(customer_rfm.segment) AS segment
  FROM customer_rfm
  GROUP BY customer_rfm.customer_id
),

totals AS (
  SELECT
    (SELECT COUNT(*) FROM customer_rfm) AS rfm_customers,
    (SELECT SUM(customers) FROM `your-gcp-project.ecommerce_analytics.agg_customer_segments`) AS segment_customers
)

SELECT customer_segment_counts.customer_id, customer_segment_counts.segment, 'not exactly one row' AS problem
FROM customer_segment_counts
WHERE customer_segment_counts.rows_for_customer <> 1

UNION ALL

SELECT customer_rfm.customer_id, customer_rfm.segment, 'segment not in the map' AS problem
FROM customer_rfm
LEFT JOIN segments
  ON customer_rfm.segment = segments.segment
WHERE segments.segment IS NULL

UNION ALL

SELECT CAST(totals.rfm_customers AS STRING), CAST(totals.segment_customers AS STRING), 'agg_customer_segments does not add up to customer_rfm' AS problem
FROM totals
WHERE totals.rfm_customers <> COALESCE(totals.segment_customers, 0)
