-- ecommerce_analytics.top_n_products_monthly: table

-- query
-- Each part reads fact_sales itself, not a CTE of it: DuckDB materializes a CTE that is read twice,
-- here every column of every line.
WITH dim_products AS (
  SELECT * FROM `your-gcp-project.ecommerce_dwh.dim_products`
),

-- Summed by product key first and described after: grouping the sale lines by one key is cheaper
-- than by code and description, and the codes that are not products (postage, fees) drop out after.
product_key_months AS (
  SELECT
    DATE_TRUNC(fact_sales.invoice_date, MONTH) AS sales_month,
    fact_sales.product_key,
    SUM(fact_sales.line_amount) AS revenue,
    SUM(fact_sales.quantity) AS units
  FROM `your-gcp-project.ecommerce_dwh.fact_sales` AS fact_sales
  WHERE fact_sales.is_sale_line
  GROUP BY sales_month, fact_sales.product_key
),

product_months AS (
  SELECT
    product_key_months.*,
    dim_products.stock_code,
    dim_products.description
  FROM product_key_months
  INNER JOIN dim_products
    ON product_key_months.product_key = dim_products.product_key
  WHERE dim_products.is_product
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
),

top_products AS (
  SELECT * FROM product_months_ranked WHERE product_months_ranked.revenue_rank <= 10
),

-- Distinct invoices are counted for the top products alone: counting them for every product of every
-- month would cost most of the table (a distinct count over nearly every sale line), for rows the
-- cut-off then drops.
top_product_orders AS (
  SELECT
    top_products.sales_month,
    top_products.product_key,
    COUNT(DISTINCT fact_sales.invoice_no) AS orders
  FROM `your-gcp-project.ecommerce_dwh.fact_sales` AS fact_sales
  INNER JOIN top_products
    ON fact_sales.product_key = top_products.product_key
    AND DATE_TRUNC(fact_sales.invoice_date, MONTH) = top_products.sales_month
  WHERE fact_sales.is_sale_line
  GROUP BY top_products.sales_month, top_products.product_key
)

SELECT
  top_products.sales_month,
  top_products.revenue_rank AS rank,
  top_products.stock_code,
  top_products.description,
  top_products.revenue,
  top_products.units,
  top_product_orders.orders,
  CAST(top_products.revenue AS FLOAT64) / NULLIF(top_products.month_revenue, 0) AS share_of_month_revenue
FROM top_products
INNER JOIN top_product_orders
  ON top_products.sales_month = top_product_orders.sales_month
  AND top_products.product_key = top_product_orders.product_key
