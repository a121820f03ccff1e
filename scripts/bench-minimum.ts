import * as path from "node:path";
import retail = require("../includes/retail");
import { mapHeader } from "./loader/csv-header";
import type { FileProbe } from "./loader/file-probe";
import { secondsSince, startTimer } from "./timing";
import { DuckDbWarehouse, quoteString, removeDatabaseFiles } from "./warehouse/duckdb";

/** What the contract's least work took, and what it found. */
export interface ContractMinimum {
  seconds: number;
  /** Each step's own time, in the order they ran. */
  steps: { step: string; seconds: number }[];
  lines: number;
  /** Keys shared by more than one line: identical lines, which the pipeline numbers and this does not. */
  sharedKeys: number;
}

/**
 * A lower bound on any pipeline that keeps the data contract, written by hand in DuckDB: the file
 * landed as text, each line keyed by one MD5 of its file and values and typed into stg_sales' types,
 * fact_sales written with its two dimension keys, and the uniqueKey check of each. It leaves out all
 * the rest the pipeline does (numbering identical lines, load order, the rules' patterns and
 * rejects, source line numbers, the ledger, dimensions, analytics and the other assertions), so no
 * build of the contract's graph can take less; the bench prints it beside the floor to show how
 * much of the gap between floor and pipeline any change could still close.
 */
export async function timeContractMinimum(source: string, probe: FileProbe, workDir: string): Promise<ContractMinimum> {
  const db = path.join(workDir, "minimum.duckdb");
  removeDatabaseFiles(db);
  const columns = mapHeader(probe.headerLine, source);
  const started = startTimer();
  const steps: ContractMinimum["steps"] = [];
  const warehouse = await DuckDbWarehouse.open(db);
  const step = async (name: string, sql: string) => {
    const stepStarted = startTimer();
    await warehouse.run(sql);
    steps.push({ step: name, seconds: secondsSince(stepStarted) });
  };
  let seconds: number;
  let lines: number;
  let sharedKeys: number;
  try {
    await step(
      "land",
      `CREATE TABLE raw_sales AS SELECT *, ${quoteString(path.basename(source))} AS _source_file
       FROM read_csv(${quoteString(path.resolve(source))}, header = true, all_varchar = true,
         names = [${columns.map(quoteString).join(", ")}],
         encoding = ${quoteString(probe.encoding)}, compression = ${probe.gzip ? "'gzip'" : "'none'"})`
    );
    // Money parsed as the DuckDB dialect parses it (narrow, then widened to NUMERIC's 38 digits).
    const unitPrice = "CAST(TRY_CAST(TRIM(unit_price) AS DECIMAL(18, 9)) AS DECIMAL(38, 9))";
    const dateForms = retail.INVOICE_DATE_FORMATS.map(quoteString).join(", ");
    await step(
      "stg_sales",
      `CREATE TABLE stg_sales AS SELECT
         md5(concat_ws('|', _source_file, invoice_no, stock_code, description, quantity, invoice_date, unit_price, customer_id, country)) AS sales_line_id,
         TRIM(invoice_no) AS invoice_no, UPPER(TRIM(stock_code)) AS stock_code, TRIM(description) AS description,
         TRY_CAST(TRIM(quantity) AS BIGINT) AS quantity, ${unitPrice} AS unit_price,
         CAST(TRY_CAST(TRIM(quantity) AS BIGINT) * ${unitPrice} AS DECIMAL(38, 9)) AS line_amount,
         TRY_STRPTIME(TRIM(invoice_date), [${dateForms}]) AS invoice_ts, TRIM(customer_id) AS customer_id,
         TRIM(country) AS country, _source_file
       FROM raw_sales`
    );
    await step(
      "fact_sales",
      `CREATE TABLE fact_sales AS SELECT sales_line_id, md5(customer_id) AS customer_key, md5(stock_code) AS product_key,
         invoice_no, invoice_ts, CAST(invoice_ts AS DATE) AS invoice_date, quantity, unit_price, line_amount, country, _source_file
       FROM stg_sales`
    );
    const uniqueKey = (table: string) => `CREATE TEMP TABLE ${table}_shared_keys AS SELECT sales_line_id FROM ${table} GROUP BY sales_line_id HAVING COUNT(*) > 1`;
    await step("stg_sales uniqueKey", uniqueKey("stg_sales"));
    await step("fact_sales uniqueKey", uniqueKey("fact_sales"));
    await step("checkpoint", "CHECKPOINT");
    // Timed as the floor is, from opening the file; the counts below are read after the clock stops.
    seconds = secondsSince(started);
    const [counts] = await warehouse.query(
      "SELECT (SELECT COUNT(*) FROM fact_sales) AS lines, (SELECT COUNT(*) FROM fact_sales_shared_keys) AS shared_keys"
    );
    lines = Number(counts?.lines ?? 0);
    sharedKeys = Number(counts?.shared_keys ?? 0);
  } finally {
    warehouse.close();
  }
  removeDatabaseFiles(db);
  return { seconds, steps, lines, sharedKeys };
}
