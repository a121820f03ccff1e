-- ecommerce_analytics.customer_rfm: table

-- query
-- Each part reads fact_sales itself, not a CTE of it: DuckDB materializes a CTE that is read twice,
-- here every column of every line.
WITH dim_customers AS (
  SELECT * FROM `your-gcp-project.ecommerce_dwh.dim_customers`
),

reference_date AS (
  SELECT DATE_ADD(MAX(fact_sales.invoice_date), INTERVAL 1 DAY) AS as_of_date
  FROM `your-gcp-project.ecommerce_dwh.fact_sales` AS fact_sales
),

rfm_lines AS (
  SELECT
    dim_customers.customer_id,
    dim_customers.customer_key,
    fact_sales.invoice_no,
    fact_sales.invoice_date,
    fact_sales.line_amount
  FROM `your-gcp-project.ecommerce_dwh.fact_sales` AS fact_sales
  INNER JOIN dim_customers
    ON fact_sales.customer_key = dim_customers.customer_key
  WHERE fact_sales.is_sale_line
    AND fact_sales.unit_price > 0
    AND NOT dim_customers.is_unknown
),

customer_totals AS (
  SELECT
    rfm_lines.customer_id,
    rfm_lines.customer_key,
    MAX(rfm_lines.invoice_date) AS last_purchase_date,
    COUNT(DISTINCT rfm_lines.invoice_no) AS frequency,
    SUM(rfm_lines.line_amount) AS monetary
  FROM rfm_lines
  GROUP BY rfm_lines.customer_id, rfm_lines.customer_key
),

customer_measures AS (
  SELECT
    customer_totals.customer_id,
    customer_totals.customer_key,
    customer_totals.last_purchase_date,
    DATE_DIFF(reference_date.as_of_date, customer_totals.last_purchase_date, DAY) AS recency_days,
    customer_totals.frequency,
    customer_totals.monetary,
    reference_date.as_of_date
  FROM customer_totals
  CROSS JOIN reference_date
),

customer_scores AS (
  SELECT
    customer_measures.*,
    NTILE(5) OVER (ORDER BY recency_days DESC, customer_id) AS r_score,
  NTILE(5) OVER (ORDER BY frequency, customer_id) AS f_score,
  NTILE(5) OVER (ORDER BY monetary, customer_id) AS m_score
  FROM customer_measures
)

SELECT
  customer_id,
  customer_key,
  last_purchase_date,
  recency_days,
  frequency,
  monetary,
  r_score,
  f_score,
  m_score,
  CONCAT(CAST(r_score AS STRING), CAST(f_score AS STRING), CAST(m_score AS STRING)) AS rfm_cell,
  CASE
    WHEN r_score = 5 AND f_score = 1 THEN 'New Customers'
    WHEN r_score = 5 AND f_score = 2 THEN 'Potential Loyalists'
    WHEN r_score = 5 AND f_score = 3 THEN 'Potential Loyalists'
    WHEN r_score = 5 AND f_score = 4 THEN 'Champions'
    WHEN r_score = 5 AND f_score = 5 THEN 'Champions'
    WHEN r_score = 4 AND f_score = 1 THEN 'Promising'
    WHEN r_score = 4 AND f_score = 2 THEN 'Potential Loyalists'
    WHEN r_score = 4 AND f_score = 3 THEN 'Potential Loyalists'
    WHEN r_score = 4 AND f_score = 4 THEN 'Loyal Customers'
    WHEN r_score = 4 AND f_score = 5 THEN 'Loyal Customers'
    WHEN r_score = 3 AND f_score = 1 THEN 'About To Sleep'
    WHEN r_score = 3 AND f_score = 2 THEN 'About To Sleep'
    WHEN r_score = 3 AND f_score = 3 THEN 'Need Attention'
    WHEN r_score = 3 AND f_score = 4 THEN 'Loyal Customers'
    WHEN r_score = 3 AND f_score = 5 THEN 'Loyal Customers'
    WHEN r_score = 2 AND f_score = 1 THEN 'Hibernating'
    WHEN r_score = 2 AND f_score = 2 THEN 'Hibernating'
    WHEN r_score = 2 AND f_score = 3 THEN 'At Risk'
    WHEN r_score = 2 AND f_score = 4 THEN 'At Risk'
    WHEN r_score = 2 AND f_score = 5 THEN 'Can\'t Lose Them'
    WHEN r_score = 1 AND f_score = 1 THEN 'Hibernating'
    WHEN r_score = 1 AND f_score = 2 THEN 'Hibernating'
    WHEN r_score = 1 AND f_score = 3 THEN 'At Risk'
    WHEN r_score = 1 AND f_score = 4 THEN 'At Risk'
    WHEN r_score = 1 AND f_score = 5 THEN 'Can\'t Lose Them'
  END AS segment,
  as_of_date
FROM customer_scores
