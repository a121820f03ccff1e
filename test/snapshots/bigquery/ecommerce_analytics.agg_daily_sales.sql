-- ecommerce_analytics.agg_daily_sales: incremental

-- query
-- The watermark first: BigQuery takes a DECLARE only at the head of the action's script.


SELECT *
FROM `your-gcp-project.ecommerce_analytics.agg_daily_sales_computed`

-- incremental pre-operation
DECLARE newest_loaded_at TIMESTAMP DEFAULT (SELECT COALESCE(MAX(_loaded_at), TIMESTAMP '1970-01-01 00:00:00') FROM `your-gcp-project.ecommerce_analytics.agg_daily_sales`)

-- incremental pre-operation
DECLARE rebuild_from_date DATE DEFAULT (SELECT CASE
    WHEN (SELECT COALESCE(SUM(lines), 0) FROM `your-gcp-project.ecommerce_analytics.agg_daily_sales`) = (SELECT COUNT(*) FROM `your-gcp-project.ecommerce_dwh.fact_sales` WHERE (is_sale_line OR is_cancellation) AND _loaded_at <= newest_loaded_at)
      THEN (SELECT MIN(invoice_date) FROM `your-gcp-project.ecommerce_dwh.fact_sales` WHERE (is_sale_line OR is_cancellation) AND _loaded_at > newest_loaded_at)
    ELSE DATE '0001-01-01'
  END)

-- incremental pre-operation
DELETE FROM `your-gcp-project.ecommerce_analytics.agg_daily_sales` WHERE sales_date >= rebuild_from_date

-- incremental query
-- The watermark first: BigQuery takes a DECLARE only at the head of the action's script.


SELECT *
FROM `your-gcp-project.ecommerce_analytics.agg_daily_sales_computed`
WHERE sales_date >= rebuild_from_date
