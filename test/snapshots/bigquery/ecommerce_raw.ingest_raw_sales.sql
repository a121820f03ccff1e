-- operation ingest_raw_sales
CREATE TABLE IF NOT EXISTS `your-gcp-project.ecommerce_raw.raw_sales` (
  invoice_no STRING,
  stock_code STRING,
  description STRING,
  quantity STRING,
  invoice_date STRING,
  unit_price STRING,
  customer_id STRING,
  country STRING,
  _source_file STRING NOT NULL,
  _source_row INT64,
  _load_id STRING NOT NULL,
  _loaded_at TIMESTAMP NOT NULL
)
CLUSTER BY _source_file;
CREATE TABLE IF NOT EXISTS `your-gcp-project.ecommerce_raw.load_ledger` (
  load_id STRING NOT NULL,
  source_file STRING NOT NULL,
  source_path STRING NOT NULL,
  file_size INT64,
  checksum STRING NOT NULL,
  rows_loaded INT64 NOT NULL,
  loaded_at TIMESTAMP NOT NULL,
  malformed_lines INT64 DEFAULT 0 NOT NULL
);
CREATE TABLE IF NOT EXISTS `your-gcp-project.ecommerce_raw.raw_sales_malformed` (
  source_file STRING NOT NULL,
  line_number INT64 NOT NULL,
  raw_line STRING NOT NULL,
  problem STRING NOT NULL,
  _load_id STRING NOT NULL,
  _loaded_at TIMESTAMP NOT NULL
);

CREATE OR REPLACE EXTERNAL TABLE `your-gcp-project.ecommerce_raw._incoming_raw_sales` (
  invoice_no STRING,
  stock_code STRING,
  description STRING,
  quantity STRING,
  invoice_date STRING,
  unit_price STRING,
  customer_id STRING,
  country STRING
)
OPTIONS (
  format = 'CSV',
  uris = ['gs://your-raw-bucket/raw_sales/*.csv'],
  skip_leading_rows = 1,
  allow_quoted_newlines = TRUE,
  encoding = 'UTF-8'
);

CREATE TEMP TABLE incoming AS
SELECT *, _FILE_NAME AS _source_file
FROM `your-gcp-project.ecommerce_raw._incoming_raw_sales`;

-- One order-independent fingerprint per file (a sum, so duplicate lines count), with its line count.
CREATE TEMP TABLE file_versions AS
SELECT
  _source_file,
  CONCAT('content:', CAST(SUM(CAST(FARM_FINGERPRINT(TO_JSON_STRING(STRUCT(invoice_no, stock_code, description, quantity, invoice_date, unit_price, customer_id, country))) AS BIGNUMERIC)) AS STRING)) AS checksum,
  COUNT(*) AS rows_in_file
FROM incoming
GROUP BY _source_file;

CREATE TEMP TABLE files_to_land AS
SELECT file_versions.*, GENERATE_UUID() AS load_id
FROM file_versions
LEFT JOIN (
  SELECT source_file, ARRAY_AGG(checksum ORDER BY loaded_at DESC LIMIT 1)[OFFSET(0)] AS checksum
  FROM `your-gcp-project.ecommerce_raw.load_ledger`
  GROUP BY source_file
) AS landed
  ON landed.source_file = file_versions._source_file
WHERE landed.source_file IS NULL
  OR (STARTS_WITH(landed.checksum, 'content:') AND landed.checksum != file_versions.checksum);

BEGIN TRANSACTION;

DELETE FROM `your-gcp-project.ecommerce_raw.raw_sales`
WHERE _source_file IN (SELECT _source_file FROM files_to_land);

INSERT INTO `your-gcp-project.ecommerce_raw.raw_sales` (invoice_no, stock_code, description, quantity, invoice_date, unit_price, customer_id, country, _source_file, _source_row, _load_id, _loaded_at)
SELECT incoming.invoice_no, incoming.stock_code, incoming.description, incoming.quantity, incoming.invoice_date, incoming.unit_price, incoming.customer_id, incoming.country, incoming._source_file, CAST(NULL AS INT64), files_to_land.load_id, CURRENT_TIMESTAMP()
FROM incoming
INNER JOIN files_to_land
  ON files_to_land._source_file = incoming._source_file;

INSERT INTO `your-gcp-project.ecommerce_raw.load_ledger` (load_id, source_file, source_path, file_size, checksum, rows_loaded, loaded_at, malformed_lines)
SELECT load_id, _source_file, _source_file, CAST(NULL AS INT64), checksum, rows_in_file, CURRENT_TIMESTAMP(), 0
FROM files_to_land;

COMMIT TRANSACTION;
