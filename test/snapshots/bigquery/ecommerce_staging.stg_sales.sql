-- ecommerce_staging.stg_sales: incremental

-- query
-- The watermark first: BigQuery takes a DECLARE only at the head of the action's script.


-- Identical lines are all kept or all rejected, so numbering every line and keeping the typed ones
-- afterwards gives the numbers a build of the typed lines alone would. (DuckDB moves the filter down
-- to the typing and evaluates the typed values there once more: 0.06 s of 0.9 s on the real dataset.)
WITH numbered_rows AS (
  SELECT numbered.*, ROW_NUMBER() OVER (PARTITION BY numbered.line_hash ORDER BY numbered._source_row) AS occurrence
  FROM (
    SELECT * FROM `your-gcp-project.ecommerce_staging.stg_sales_typed`
    
  ) AS numbered
),

typed_rows AS (
  SELECT * FROM numbered_rows WHERE numbered_rows.reject_reason IS NULL
)

SELECT
  TO_HEX(MD5(CONCAT(COALESCE(CAST(line_hash AS STRING), '~null~'), CODE_POINTS_TO_STRING([31]), COALESCE(CAST(occurrence AS STRING), '~null~')))) AS sales_line_id,
  invoice_no,
  stock_code,
  description,
  quantity,
  unit_price,
  line_amount,
  invoice_ts,
  invoice_date,
  customer_id,
  country,
  is_cancellation,
  is_adjustment,
  is_product,
  is_sale_line,
  _source_file,
  _source_row,
  _load_id,
  _loaded_at
FROM typed_rows

-- incremental pre-operation
DECLARE newest_loaded_at TIMESTAMP DEFAULT (SELECT COALESCE(MAX(_loaded_at), TIMESTAMP '1970-01-01 00:00:00') FROM `your-gcp-project.ecommerce_staging.stg_sales`)

-- incremental pre-operation
DELETE FROM `your-gcp-project.ecommerce_staging.stg_sales` WHERE _load_id NOT IN (SELECT DISTINCT _load_id FROM `your-gcp-project.ecommerce_raw.raw_sales`)

-- incremental query
-- The watermark first: BigQuery takes a DECLARE only at the head of the action's script.


-- Identical lines are all kept or all rejected, so numbering every line and keeping the typed ones
-- afterwards gives the numbers a build of the typed lines alone would. (DuckDB moves the filter down
-- to the typing and evaluates the typed values there once more: 0.06 s of 0.9 s on the real dataset.)
WITH numbered_rows AS (
  SELECT numbered.*, ROW_NUMBER() OVER (PARTITION BY numbered.line_hash ORDER BY numbered._source_row) AS occurrence
  FROM (
    SELECT * FROM `your-gcp-project.ecommerce_staging.stg_sales_typed`
    WHERE _loaded_at > newest_loaded_at
  ) AS numbered
),

typed_rows AS (
  SELECT * FROM numbered_rows WHERE numbered_rows.reject_reason IS NULL
)

SELECT
  TO_HEX(MD5(CONCAT(COALESCE(CAST(line_hash AS STRING), '~null~'), CODE_POINTS_TO_STRING([31]), COALESCE(CAST(occurrence AS STRING), '~null~')))) AS sales_line_id,
  invoice_no,
  stock_code,
  description,
  quantity,
  unit_price,
  line_amount,
  invoice_ts,
  invoice_date,
  customer_id,
  country,
  is_cancellation,
  is_adjustment,
  is_product,
  is_sale_line,
  _source_file,
  _source_row,
  _load_id,
  _loaded_at
FROM typed_rows
