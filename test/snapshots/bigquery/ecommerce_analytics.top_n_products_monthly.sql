-- ecommerce_analytics.top_n_products_monthly: incremental

-- query
-- The watermark first: BigQuery takes a DECLARE only at the head of the action's script.


SELECT *
FROM `your-gcp-project.ecommerce_analytics.top_n_products_monthly_computed`


-- The months kept take the product descriptions of now: only the rebuilt months read them above.

-- incremental pre-operation
DECLARE newest_loaded_at TIMESTAMP DEFAULT (SELECT COALESCE(MAX(_loaded_at), TIMESTAMP '1970-01-01 00:00:00') FROM `your-gcp-project.ecommerce_analytics.top_n_products_monthly`)

-- incremental pre-operation
DECLARE rebuild_from_date DATE DEFAULT (SELECT CASE
    WHEN (SELECT COALESCE(SUM(month_lines), 0) FROM (SELECT DISTINCT sales_month, month_lines FROM `your-gcp-project.ecommerce_analytics.top_n_products_monthly`) AS months) = (SELECT COUNT(*) FROM `your-gcp-project.ecommerce_dwh.fact_sales` WHERE (is_sale_line) AND _loaded_at <= newest_loaded_at)
      THEN (SELECT MIN(invoice_date) FROM `your-gcp-project.ecommerce_dwh.fact_sales` WHERE (is_sale_line) AND _loaded_at > newest_loaded_at)
    ELSE DATE '0001-01-01'
  END)

-- incremental pre-operation
DELETE FROM `your-gcp-project.ecommerce_analytics.top_n_products_monthly` WHERE sales_month >= DATE_TRUNC(rebuild_from_date, MONTH)

-- incremental query
-- The watermark first: BigQuery takes a DECLARE only at the head of the action's script.


SELECT *
FROM `your-gcp-project.ecommerce_analytics.top_n_products_monthly_computed`
WHERE sales_month >= DATE_TRUNC(rebuild_from_date, MONTH)

-- The months kept take the product descriptions of now: only the rebuilt months read them above.
