-- ecommerce_analytics.dashboard_rf_grid: table

-- query
WITH customer_rfm AS (
  SELECT * FROM `your-gcp-project.ecommerce_analytics.customer_rfm`
),

recency_scores AS (
  SELECT CAST(1 AS INT64) AS r_score
  UNION ALL SELECT CAST(2 AS INT64) AS r_score
  UNION ALL SELECT CAST(3 AS INT64) AS r_score
  UNION ALL SELECT CAST(4 AS INT64) AS r_score
  UNION ALL SELECT CAST(5 AS INT64) AS r_score
),

frequency_scores AS (
  SELECT CAST(1 AS INT64) AS f_score
  UNION ALL SELECT CAST(2 AS INT64) AS f_score
  UNION ALL SELECT CAST(3 AS INT64) AS f_score
  UNION ALL SELECT CAST(4 AS INT64) AS f_score
  UNION ALL SELECT CAST(5 AS INT64) AS f_score
),

cells AS (
  SELECT
    recency_scores.r_score,
    frequency_scores.f_score
  FROM recency_scores
  CROSS JOIN frequency_scores
),

cell_customers AS (
  SELECT
    customer_rfm.r_score,
    customer_rfm.f_score,
    COUNT(*) AS customers
  FROM customer_rfm
  GROUP BY customer_rfm.r_score, customer_rfm.f_score
)

SELECT
  cells.r_score,
  cells.f_score,
  CASE
    WHEN cells.r_score = 5 AND cells.f_score = 1 THEN 'New Customers'
    WHEN cells.r_score = 5 AND cells.f_score = 2 THEN 'Potential Loyalists'
    WHEN cells.r_score = 5 AND cells.f_score = 3 THEN 'Potential Loyalists'
    WHEN cells.r_score = 5 AND cells.f_score = 4 THEN 'Champions'
    WHEN cells.r_score = 5 AND cells.f_score = 5 THEN 'Champions'
    WHEN cells.r_score = 4 AND cells.f_score = 1 THEN 'Promising'
    WHEN cells.r_score = 4 AND cells.f_score = 2 THEN 'Potential Loyalists'
    WHEN cells.r_score = 4 AND cells.f_score = 3 THEN 'Potential Loyalists'
    WHEN cells.r_score = 4 AND cells.f_score = 4 THEN 'Loyal Customers'
    WHEN cells.r_score = 4 AND cells.f_score = 5 THEN 'Loyal Customers'
    WHEN cells.r_score = 3 AND cells.f_score = 1 THEN 'About To Sleep'
    WHEN cells.r_score = 3 AND cells.f_score = 2 THEN 'About To Sleep'
    WHEN cells.r_score = 3 AND cells.f_score = 3 THEN 'Need Attention'
    WHEN cells.r_score = 3 AND cells.f_score = 4 THEN 'Loyal Customers'
    WHEN cells.r_score = 3 AND cells.f_score = 5 THEN 'Loyal Customers'
    WHEN cells.r_score = 2 AND cells.f_score = 1 THEN 'Hibernating'
    WHEN cells.r_score = 2 AND cells.f_score = 2 THEN 'Hibernating'
    WHEN cells.r_score = 2 AND cells.f_score = 3 THEN 'At Risk'
    WHEN cells.r_score = 2 AND cells.f_score = 4 THEN 'At Risk'
    WHEN cells.r_score = 2 AND cells.f_score = 5 THEN 'Can\'t Lose Them'
    WHEN cells.r_score = 1 AND cells.f_score = 1 THEN 'Hibernating'
    WHEN cells.r_score = 1 AND cells.f_score = 2 THEN 'Hibernating'
    WHEN cells.r_score = 1 AND cells.f_score = 3 THEN 'At Risk'
    WHEN cells.r_score = 1 AND cells.f_score = 4 THEN 'At Risk'
    WHEN cells.r_score = 1 AND cells.f_score = 5 THEN 'Can\'t Lose Them'
  END AS segment,
  COALESCE(cell_customers.customers, 0) AS customers
FROM cells
LEFT JOIN cell_customers
  ON cell_customers.r_score = cells.r_score
  AND cell_customers.f_score = cells.f_score
