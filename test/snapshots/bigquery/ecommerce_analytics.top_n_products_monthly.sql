-- ecommerce_analytics.top_n_products_monthly: table

-- query
WITH fact_sales AS (
  SELECT * FROM `your-gcp-project.ecommerce_dwh.fact_sales`
),

dim_products AS (
  SELECT * FROM `your-gcp-project.ecommerce_dwh.dim_products`
),

product_sale_lines AS (
  SELECT
    DATE_TRUNC(fact_sales.invoice_date, MONTH) AS sales_month,
    dim_products.stock_code,
    dim_products.description,
    fact_sales.invoice_no,
    fact_sales.quantity,
    fact_sales.line_amount
  FROM fact_sales
  INNER JOIN dim_products
    ON fact_sales.product_key = dim_products.product_key
  WHERE fact_sales.is_sale_line
    AND dim_products.is_product
),

product_months AS (
  SELECT
    product_sale_lines.sales_month,
    product_sale_lines.stock_code,
    product_sale_lines.description,
    SUM(product_sale_lines.line_amount) AS revenue,
    SUM(product_sale_lines.quantity) AS units,
    COUNT(DISTINCT product_sale_lines.invoice_no) AS orders
  FROM product_sale_lines
  GROUP BY product_sale_lines.sales_month, product_sale_lines.stock_code, product_sale_lines.description
),

product_months_ranked AS (
  SELECT
    product_months.*,
    SUM(product_months.revenue) OVER (PARTITION BY product_months.sales_month) AS month_revenue,
    ROW_NUMBER() OVER (
      PARTITION BY product_months.sales_month
      ORDER BY product_months.revenue DESC, product_months.stock_code
    ) AS revenue_rank
  FROM product_months
)

SELECT
  sales_month,
  revenue_rank AS rank,
  stock_code,
  description,
  revenue,
  units,
  orders,
  CAST(revenue AS FLOAT64) / NULLIF(month_revenue, 0) AS share_of_month_revenue
FROM product_months_ranked
WHERE revenue_rank <= 10
