// @ts-check
/**
 * The landing tables of the data contract on BigQuery, written once: the loader (`ecom load
 * --warehouse bigquery`) and the scheduled ingestion operation both create them when absent.
 */

const retail = require("./retail");

/**
 * A BigQuery script creating raw_sales and load_ledger when they do not exist.
 * @param {string} rawSales the quoted raw_sales table
 * @param {string} loadLedger the quoted load_ledger table
 */
function landingTablesDdl(rawSales, loadLedger) {
  const sourceColumns = retail.SOURCE_COLUMNS.map((source) => `  ${source.column} STRING,`).join("\n");
  return `CREATE TABLE IF NOT EXISTS ${rawSales} (
${sourceColumns}
  _source_file STRING NOT NULL,
  _source_row INT64,
  _load_id STRING NOT NULL,
  _loaded_at TIMESTAMP NOT NULL
)
CLUSTER BY _source_file;
CREATE TABLE IF NOT EXISTS ${loadLedger} (
  load_id STRING NOT NULL,
  source_file STRING NOT NULL,
  source_path STRING NOT NULL,
  file_size INT64,
  checksum STRING NOT NULL,
  rows_loaded INT64 NOT NULL,
  loaded_at TIMESTAMP NOT NULL,
  malformed_lines INT64 NOT NULL DEFAULT 0
);`;
}

module.exports = { landingTablesDdl };
