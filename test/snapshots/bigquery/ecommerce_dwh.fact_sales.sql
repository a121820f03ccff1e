-- ecommerce_dwh.fact_sales: incremental
-- bigquery: {"partitionBy":"invoice_date","clusterBy":["customer_key","product_key"]}

-- query
-- A changed version of a file replaces that file's lines (under a new load id): before appending,
-- drop the lines of loads that are no longer staged, so the new version comes in whole.
-- The watermark first: BigQuery takes a DECLARE only at the head of the action's script.


WITH stg_sales AS (
  SELECT * FROM `your-gcp-project.ecommerce_staging.stg_sales`
  
)

SELECT
  stg_sales.sales_line_id,
  (EXTRACT(YEAR FROM stg_sales.invoice_date) * 10000 + EXTRACT(MONTH FROM stg_sales.invoice_date) * 100 + EXTRACT(DAY FROM stg_sales.invoice_date)) AS date_key,
  TO_HEX(MD5(CONCAT(COALESCE(CAST(stg_sales.customer_id AS STRING), '~null~')))) AS customer_key,
  TO_HEX(MD5(CONCAT(COALESCE(CAST(stg_sales.stock_code AS STRING), '~null~')))) AS product_key,
  stg_sales.invoice_no,
  stg_sales.invoice_ts,
  stg_sales.invoice_date,
  stg_sales.quantity,
  stg_sales.unit_price,
  stg_sales.line_amount,
  stg_sales.is_cancellation,
  stg_sales.is_adjustment,
  stg_sales.is_sale_line,
  stg_sales.country,
  stg_sales._source_file,
  stg_sales._load_id,
  stg_sales._loaded_at
FROM stg_sales

-- incremental pre-operation
DECLARE newest_loaded_at TIMESTAMP DEFAULT (SELECT COALESCE(MAX(_loaded_at), TIMESTAMP '1970-01-01 00:00:00') FROM `your-gcp-project.ecommerce_dwh.fact_sales`)

-- incremental pre-operation
DELETE FROM `your-gcp-project.ecommerce_dwh.fact_sales` WHERE _load_id NOT IN (SELECT DISTINCT _load_id FROM `your-gcp-project.ecommerce_staging.stg_sales`)

-- incremental query
-- A changed version of a file replaces that file's lines (under a new load id): before appending,
-- drop the lines of loads that are no longer staged, so the new version comes in whole.
-- The watermark first: BigQuery takes a DECLARE only at the head of the action's script.


WITH stg_sales AS (
  SELECT * FROM `your-gcp-project.ecommerce_staging.stg_sales`
  WHERE _loaded_at > newest_loaded_at
)

SELECT
  stg_sales.sales_line_id,
  (EXTRACT(YEAR FROM stg_sales.invoice_date) * 10000 + EXTRACT(MONTH FROM stg_sales.invoice_date) * 100 + EXTRACT(DAY FROM stg_sales.invoice_date)) AS date_key,
  TO_HEX(MD5(CONCAT(COALESCE(CAST(stg_sales.customer_id AS STRING), '~null~')))) AS customer_key,
  TO_HEX(MD5(CONCAT(COALESCE(CAST(stg_sales.stock_code AS STRING), '~null~')))) AS product_key,
  stg_sales.invoice_no,
  stg_sales.invoice_ts,
  stg_sales.invoice_date,
  stg_sales.quantity,
  stg_sales.unit_price,
  stg_sales.line_amount,
  stg_sales.is_cancellation,
  stg_sales.is_adjustment,
  stg_sales.is_sale_line,
  stg_sales.country,
  stg_sales._source_file,
  stg_sales._load_id,
  stg_sales._loaded_at
FROM stg_sales
