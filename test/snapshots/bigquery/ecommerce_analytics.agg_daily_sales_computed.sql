-- ecommerce_analytics.agg_daily_sales_computed: view

-- query
WITH fact_sales AS (
  SELECT * FROM `your-gcp-project.ecommerce_dwh.fact_sales`
),

dim_customers AS (
  SELECT * FROM `your-gcp-project.ecommerce_dwh.dim_customers`
),

counted_lines AS (
  SELECT
    fact_sales.invoice_date AS sales_date,
    fact_sales.country,
    fact_sales.invoice_no,
    fact_sales.quantity,
    fact_sales.line_amount,
    fact_sales.is_sale_line,
    fact_sales.is_cancellation,
    fact_sales._loaded_at,
    CASE WHEN NOT dim_customers.is_unknown THEN dim_customers.customer_id END AS known_customer_id
  FROM fact_sales
  INNER JOIN dim_customers
    ON fact_sales.customer_key = dim_customers.customer_key
  WHERE fact_sales.is_sale_line OR fact_sales.is_cancellation
),

daily_totals AS (
  SELECT
    counted_lines.sales_date,
    counted_lines.country,
    COALESCE(SUM(CASE WHEN counted_lines.is_sale_line THEN counted_lines.line_amount END), CAST(0 AS NUMERIC)) AS gross_revenue,
    COALESCE(SUM(CASE WHEN counted_lines.is_cancellation THEN counted_lines.line_amount END), CAST(0 AS NUMERIC)) AS cancelled_revenue,
    COUNT(DISTINCT CASE WHEN counted_lines.is_sale_line THEN counted_lines.invoice_no END) AS orders,
    COUNT(DISTINCT CASE WHEN counted_lines.is_sale_line THEN counted_lines.known_customer_id END) AS customers,
    COALESCE(SUM(CASE WHEN counted_lines.is_sale_line THEN counted_lines.quantity END), 0) AS units,
    COUNT(*) AS lines,
    MAX(counted_lines._loaded_at) AS _loaded_at
  FROM counted_lines
  GROUP BY counted_lines.sales_date, counted_lines.country
)

SELECT
  sales_date,
  country,
  gross_revenue,
  cancelled_revenue,
  CAST(gross_revenue + cancelled_revenue AS NUMERIC) AS net_revenue,
  orders,
  customers,
  units,
  CAST(ROUND(SAFE_DIVIDE(gross_revenue, orders), 2) AS NUMERIC) AS avg_order_value,
  lines,
  _loaded_at
FROM daily_totals
