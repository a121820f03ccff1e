-- ecommerce_analytics.dashboard_kpis: table

-- query
WITH fact_sales AS (
  SELECT * FROM `your-gcp-project.ecommerce_dwh.fact_sales`
),

dim_customers AS (
  SELECT * FROM `your-gcp-project.ecommerce_dwh.dim_customers`
),

dim_dates AS (
  SELECT * FROM `your-gcp-project.ecommerce_dwh.dim_dates`
),

customer_rfm AS (
  SELECT * FROM `your-gcp-project.ecommerce_analytics.customer_rfm`
),

sales_totals AS (
  SELECT
    COALESCE(SUM(CASE WHEN fact_sales.is_sale_line THEN fact_sales.line_amount END), CAST(0 AS NUMERIC)) AS gross_revenue,
    COALESCE(SUM(CASE WHEN fact_sales.is_cancellation THEN fact_sales.line_amount END), CAST(0 AS NUMERIC)) AS cancelled_revenue,
    COUNT(DISTINCT CASE WHEN fact_sales.is_sale_line THEN fact_sales.invoice_no END) AS orders,
    COUNT(DISTINCT CASE WHEN fact_sales.is_sale_line AND NOT dim_customers.is_unknown THEN dim_customers.customer_id END) AS customers
  FROM fact_sales
  INNER JOIN dim_customers
    ON fact_sales.customer_key = dim_customers.customer_key
),

calendar_bounds AS (
  SELECT
    MIN(dim_dates.date) AS first_sales_date,
    MAX(dim_dates.date) AS last_sales_date
  FROM dim_dates
),

rfm_population AS (
  SELECT
    COUNT(*) AS rfm_customers,
    MAX(customer_rfm.as_of_date) AS rfm_as_of_date
  FROM customer_rfm
)

SELECT
  calendar_bounds.first_sales_date,
  calendar_bounds.last_sales_date,
  sales_totals.gross_revenue,
  sales_totals.cancelled_revenue,
  CAST(sales_totals.gross_revenue + sales_totals.cancelled_revenue AS NUMERIC) AS net_revenue,
  sales_totals.orders,
  sales_totals.customers,
  CAST(ROUND(SAFE_DIVIDE(sales_totals.gross_revenue, sales_totals.orders), 2) AS NUMERIC) AS average_order_value,
  CAST(ROUND(SAFE_DIVIDE(-sales_totals.cancelled_revenue, sales_totals.gross_revenue), 6) AS NUMERIC) AS cancellation_rate,
  rfm_population.rfm_as_of_date,
  rfm_population.rfm_customers
FROM sales_totals
CROSS JOIN calendar_bounds
CROSS JOIN rfm_population
