-- ecommerce_staging.stg_sales_rejected: incremental

-- pre-operation
DECLARE unstaged_lines INT64 DEFAULT (SELECT (SELECT COUNT(*) FROM `your-gcp-project.ecommerce_raw.raw_sales` ) - (SELECT COUNT(*) FROM `your-gcp-project.ecommerce_staging.stg_sales` ))

-- query
-- The DECLAREs first: BigQuery takes them only at the head of the action's script.


WITH rejected_rows AS (
  SELECT numbered.*, ROW_NUMBER() OVER (PARTITION BY numbered.line_hash ORDER BY numbered._source_row) AS occurrence
  FROM (
    SELECT * FROM `your-gcp-project.ecommerce_staging.stg_sales_typed`
    -- A constant: when every line was staged (the real dataset's case), the engine types nothing here.
    WHERE unstaged_lines > 0
      AND reject_reason IS NOT NULL
      
  ) AS numbered
)

SELECT
  TO_HEX(MD5(CONCAT(COALESCE(CAST(line_hash AS STRING), '~null~'), CODE_POINTS_TO_STRING([31]), COALESCE(CAST(occurrence AS STRING), '~null~')))) AS sales_line_id,
  reject_reason,
  raw_invoice_no AS invoice_no,
  raw_stock_code AS stock_code,
  raw_description AS description,
  raw_quantity AS quantity,
  raw_invoice_date AS invoice_date,
  raw_unit_price AS unit_price,
  raw_customer_id AS customer_id,
  raw_country AS country,
  _source_file,
  _source_row,
  _load_id,
  _loaded_at
FROM rejected_rows

-- incremental pre-operation
DECLARE newest_loaded_at TIMESTAMP DEFAULT (SELECT COALESCE(MAX(_loaded_at), TIMESTAMP '1970-01-01 00:00:00') FROM `your-gcp-project.ecommerce_staging.stg_sales_rejected`)

-- incremental pre-operation
DECLARE unstaged_lines INT64 DEFAULT (SELECT (SELECT COUNT(*) FROM `your-gcp-project.ecommerce_raw.raw_sales` WHERE _loaded_at > newest_loaded_at) - (SELECT COUNT(*) FROM `your-gcp-project.ecommerce_staging.stg_sales` WHERE _loaded_at > newest_loaded_at))

-- incremental pre-operation
DELETE FROM `your-gcp-project.ecommerce_staging.stg_sales_rejected` WHERE _load_id NOT IN (SELECT DISTINCT _load_id FROM `your-gcp-project.ecommerce_raw.raw_sales`)

-- incremental query
-- The DECLAREs first: BigQuery takes them only at the head of the action's script.


WITH rejected_rows AS (
  SELECT numbered.*, ROW_NUMBER() OVER (PARTITION BY numbered.line_hash ORDER BY numbered._source_row) AS occurrence
  FROM (
    SELECT * FROM `your-gcp-project.ecommerce_staging.stg_sales_typed`
    -- A constant: when every line was staged (the real dataset's case), the engine types nothing here.
    WHERE unstaged_lines > 0
      AND reject_reason IS NOT NULL
      AND _loaded_at > newest_loaded_at
  ) AS numbered
)

SELECT
  TO_HEX(MD5(CONCAT(COALESCE(CAST(line_hash AS STRING), '~null~'), CODE_POINTS_TO_STRING([31]), COALESCE(CAST(occurrence AS STRING), '~null~')))) AS sales_line_id,
  reject_reason,
  raw_invoice_no AS invoice_no,
  raw_stock_code AS stock_code,
  raw_description AS description,
  raw_quantity AS quantity,
  raw_invoice_date AS invoice_date,
  raw_unit_price AS unit_price,
  raw_customer_id AS customer_id,
  raw_country AS country,
  _source_file,
  _source_row,
  _load_id,
  _loaded_at
FROM rejected_rows
