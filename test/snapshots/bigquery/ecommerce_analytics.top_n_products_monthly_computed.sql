-- ecommerce_analytics.top_n_products_monthly_computed: view

-- query
-- Each part reads fact_sales itself, not a CTE of it: DuckDB materializes a CTE that is read twice,
-- here every column of every line.
WITH dim_products AS (
  SELECT * FROM `your-gcp-project.ecommerce_dwh.dim_products`
),

-- Summed by product key first and described after: grouping the sale lines by one key is cheaper
-- than by code and description.
product_key_months AS (
  SELECT
    DATE_TRUNC(fact_sales.invoice_date, MONTH) AS sales_month,
    fact_sales.product_key,
    SUM(fact_sales.line_amount) AS revenue,
    SUM(fact_sales.quantity) AS units,
    COUNT(*) AS lines,
    MAX(fact_sales._loaded_at) AS _loaded_at
  FROM `your-gcp-project.ecommerce_dwh.fact_sales` AS fact_sales
  WHERE fact_sales.is_sale_line
  GROUP BY sales_month, fact_sales.product_key
),

-- Postage and fees stay until the ranking, where they drop out: the month's lines count them (all
-- of the month's sale lines, as the check that none is gone counts them), its revenue does not.
stock_code_months AS (
  SELECT
    product_key_months.*,
    dim_products.stock_code,
    dim_products.description,
    dim_products.is_product
  FROM product_key_months
  INNER JOIN dim_products
    ON product_key_months.product_key = dim_products.product_key
),

-- Products rank first (is_product DESC), so their ranks are those of the products alone.
product_months_ranked AS (
  SELECT
    stock_code_months.*,
    SUM(CASE WHEN stock_code_months.is_product THEN stock_code_months.revenue END) OVER (PARTITION BY stock_code_months.sales_month) AS month_revenue,
    CAST(SUM(stock_code_months.lines) OVER (PARTITION BY stock_code_months.sales_month) AS INT64) AS month_lines,
    MAX(stock_code_months._loaded_at) OVER (PARTITION BY stock_code_months.sales_month) AS month_loaded_at,
    ROW_NUMBER() OVER (
      PARTITION BY stock_code_months.sales_month
      ORDER BY stock_code_months.is_product DESC, stock_code_months.revenue DESC, stock_code_months.stock_code
    ) AS revenue_rank
  FROM stock_code_months
),

top_products AS (
  SELECT * FROM product_months_ranked
  WHERE product_months_ranked.is_product AND product_months_ranked.revenue_rank <= 10
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
  CAST(top_products.revenue AS FLOAT64) / NULLIF(top_products.month_revenue, 0) AS share_of_month_revenue,
  top_products.month_lines,
  top_products.month_loaded_at AS _loaded_at
FROM top_products
INNER JOIN top_product_orders
  ON top_products.sales_month = top_product_orders.sales_month
  AND top_products.product_key = top_product_orders.product_key
