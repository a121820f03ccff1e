-- ecommerce_staging.stg_sales_typed: view

-- query
WITH raw_sales AS (
  SELECT * FROM `your-gcp-project.ecommerce_raw.raw_sales`
),

raw_sales_trimmed AS (
  SELECT
    NULLIF(TRIM(invoice_no), '') AS invoice_no,
    NULLIF(UPPER(TRIM(stock_code)), '') AS stock_code,
    NULLIF(TRIM(description), '') AS description,
    TRIM(quantity) AS quantity_text,
    TRIM(unit_price) AS unit_price_text,
    TRIM(invoice_date) AS invoice_date_text,
    TRIM(customer_id) AS customer_id_text,
    NULLIF(TRIM(country), '') AS country,
    _source_file,
    _source_row,
    _load_id,
    _loaded_at,
    invoice_no AS raw_invoice_no,
    stock_code AS raw_stock_code,
    description AS raw_description,
    quantity AS raw_quantity,
    invoice_date AS raw_invoice_date,
    unit_price AS raw_unit_price,
    customer_id AS raw_customer_id,
    country AS raw_country
  FROM raw_sales
),

raw_sales_typed AS (
  SELECT
    raw_sales_trimmed.*,
    -- Both engines would cast '6.0' or '1e3' differently, so only plain numbers are cast at all.
    CASE WHEN REGEXP_CONTAINS(quantity_text, r'^[+-]?[0-9]+$')
      THEN SAFE_CAST(quantity_text AS INT64) END AS quantity,
    CASE WHEN REGEXP_CONTAINS(unit_price_text, r'^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$')
      THEN SAFE_CAST(unit_price_text AS NUMERIC) END AS unit_price,
    COALESCE(SAFE.PARSE_DATETIME('%m/%d/%Y %H:%M', invoice_date_text), SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', invoice_date_text), SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M', invoice_date_text)) AS invoice_ts,
    CASE
      WHEN customer_id_text IS NULL OR UPPER(customer_id_text) IN ('', 'NA', 'NAN', 'NULL') THEN FALSE
      ELSE NOT REGEXP_CONTAINS(customer_id_text, r'^[0-9]+([.]0+)?$')
    END AS has_invalid_customer_id,
    CASE
      WHEN customer_id_text IS NULL OR UPPER(customer_id_text) IN ('', 'NA', 'NAN', 'NULL') THEN NULL
      WHEN REGEXP_CONTAINS(customer_id_text, r'^[0-9]+([.]0+)?$')
        THEN REGEXP_REPLACE(customer_id_text, '[.]0+$', '')
    END AS customer_id
  FROM raw_sales_trimmed
),

raw_sales_checked AS (
  SELECT
    raw_sales_typed.*,
    CASE
      WHEN invoice_no IS NULL THEN 'missing invoice_no'
      WHEN stock_code IS NULL THEN 'missing stock_code'
      WHEN quantity IS NULL THEN 'invalid quantity'
      WHEN unit_price IS NULL THEN 'invalid unit_price'
      WHEN invoice_ts IS NULL THEN 'invalid invoice_date'
      WHEN has_invalid_customer_id THEN 'invalid customer_id'
      WHEN country IS NULL THEN 'missing country'
    END AS reject_reason
  FROM raw_sales_typed
),

-- Computed on every row from its typed values; only a row without a reject_reason has them all, and
-- only those rows reach stg_sales (stg_sales_rejected keeps the raw values instead).
raw_sales_flagged AS (
  SELECT
    raw_sales_checked.*,
    CAST(quantity * unit_price AS NUMERIC) AS line_amount,
    CAST(invoice_ts AS DATE) AS invoice_date,
    STARTS_WITH(invoice_no, 'C') AS is_cancellation,
    STARTS_WITH(invoice_no, 'A') AS is_adjustment,
    REGEXP_CONTAINS(stock_code, r'^[0-9]{5}[A-Z]*$') AS is_product
  FROM raw_sales_checked
)

-- The hash is taken here, last, from the raw values: a reader that keeps only some rows (stg_sales_rejected
-- keeps the few with a reject_reason) has the engine filter first and hash only the rows it keeps.
SELECT
  TO_HEX(MD5(CONCAT(COALESCE(CAST(_source_file AS STRING), '~null~'), CODE_POINTS_TO_STRING([31]), COALESCE(CAST(raw_invoice_no AS STRING), '~null~'), CODE_POINTS_TO_STRING([31]), COALESCE(CAST(raw_stock_code AS STRING), '~null~'), CODE_POINTS_TO_STRING([31]), COALESCE(CAST(raw_description AS STRING), '~null~'), CODE_POINTS_TO_STRING([31]), COALESCE(CAST(raw_quantity AS STRING), '~null~'), CODE_POINTS_TO_STRING([31]), COALESCE(CAST(raw_invoice_date AS STRING), '~null~'), CODE_POINTS_TO_STRING([31]), COALESCE(CAST(raw_unit_price AS STRING), '~null~'), CODE_POINTS_TO_STRING([31]), COALESCE(CAST(raw_customer_id AS STRING), '~null~'), CODE_POINTS_TO_STRING([31]), COALESCE(CAST(raw_country AS STRING), '~null~')))) AS line_hash,
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
  NOT is_cancellation AND NOT is_adjustment AND quantity > 0 AS is_sale_line,
  reject_reason,
  raw_invoice_no,
  raw_stock_code,
  raw_description,
  raw_quantity,
  raw_invoice_date,
  raw_unit_price,
  raw_customer_id,
  raw_country,
  _source_file,
  _source_row,
  _load_id,
  _loaded_at
FROM raw_sales_flagged
