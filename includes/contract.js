// @ts-check
/**
 * The data contract, written once: the datasets, the eight source columns of an Online Retail
 * export, the landing tables (in logical types), and the reasons a line is rejected. Everything
 * that names one of these reads it from here: the SQLX configs (`schema: contract.DATASETS.staging`),
 * the models, the ingestion operation, both loaders, the TypeScript configuration and the tests.
 * Pure data, so any module can require it without a cycle.
 */

/**
 * The five datasets. workflow_settings.yaml cannot require a module, so its defaultDataset (dwh)
 * and defaultAssertionDataset (assertions) repeat two of them; a test checks that they agree.
 * @type {Readonly<{ raw: "ecommerce_raw", staging: "ecommerce_staging", dwh: "ecommerce_dwh", analytics: "ecommerce_analytics", assertions: "ecommerce_assertions" }>}
 */
const DATASETS = Object.freeze({
  raw: "ecommerce_raw",
  staging: "ecommerce_staging",
  dwh: "ecommerce_dwh",
  analytics: "ecommerce_analytics",
  assertions: "ecommerce_assertions",
});

/**
 * The eight source columns, in landing order, with their data.csv header and the header names
 * accepted for each (normalised). Headers are
 * compared after lower-casing and removing blanks and underscores, so `Customer ID`, `customer_id`
 * and `CustomerID` are one name. Online Retail II's names (`Invoice`, `Price`, `Customer ID`) are aliases.
 * @type {ReadonlyArray<{ column: string, header: string, headers: readonly string[] }>}
 */
const SOURCE_COLUMNS = Object.freeze([
  { column: "invoice_no", header: "InvoiceNo", headers: ["invoiceno", "invoice", "invoicenumber"] },
  { column: "stock_code", header: "StockCode", headers: ["stockcode"] },
  { column: "description", header: "Description", headers: ["description"] },
  { column: "quantity", header: "Quantity", headers: ["quantity"] },
  { column: "invoice_date", header: "InvoiceDate", headers: ["invoicedate"] },
  { column: "unit_price", header: "UnitPrice", headers: ["unitprice", "price"] },
  { column: "customer_id", header: "CustomerID", headers: ["customerid"] },
  { column: "country", header: "Country", headers: ["country"] },
]);

/** The landing column names, in landing order. */
const SOURCE_COLUMN_NAMES = Object.freeze(SOURCE_COLUMNS.map((source) => source.column));

/** The header line of the UCI data.csv, byte for byte: `InvoiceNo,StockCode,...,Country`. */
const SOURCE_HEADER_LINE = SOURCE_COLUMNS.map((source) => source.header).join(",");

/**
 * Why stg_sales_typed rejects a line, in the order its rules are tried (the first failing rule
 * names the line). stg_sales_rejected.reject_reason holds one of these.
 */
const REJECT_REASONS = Object.freeze(
  /** @type {const} */ ({
    missingInvoiceNo: "missing invoice_no",
    missingStockCode: "missing stock_code",
    invalidQuantity: "invalid quantity",
    invalidUnitPrice: "invalid unit_price",
    invalidInvoiceDate: "invalid invoice_date",
    invalidCustomerId: "invalid customer_id",
    missingCountry: "missing country",
  })
);

/** The reject reasons as a sentence's list, in rule order, for column docs. */
const REJECT_REASON_LIST = Object.values(REJECT_REASONS).join(", ");

/**
 * @typedef {import("./sql").LogicalType} LogicalType
 * @typedef {{ name: string, type: LogicalType, notNull?: boolean, defaultSql?: string, description: string }} LandingColumn
 * @typedef {{ name: string, description: string, columns: readonly LandingColumn[], clusterBy?: readonly string[] }} LandingTable
 */

const SOURCE_COLUMN_DOCS = {
  invoice_no: "InvoiceNo (Invoice in Online Retail II), as written.",
  stock_code: "StockCode, as written.",
  description: "Description, as written (blanks kept).",
  quantity: "Quantity, as written.",
  invoice_date: "InvoiceDate, as written (`12/1/2010 8:26` or `2010-12-01 08:26:00`).",
  unit_price: "UnitPrice (Price in Online Retail II), as written.",
  customer_id: "CustomerID (Customer ID in Online Retail II), as written; NULL when the field is empty.",
  country: "Country, as written.",
};

/** @type {Readonly<Record<"raw_sales" | "load_ledger" | "raw_sales_malformed", LandingTable>>} */
const LANDING_TABLES = Object.freeze({
  raw_sales: {
    name: "raw_sales",
    description:
      "Landed Online Retail lines, written by the loader (`ecom load`) or the scheduled ingestion, never by a model. Grain: one row per data line of every loaded file version. The eight source columns are STRING exactly as in the file: no trimming, no parsing.",
    columns: [
      ...SOURCE_COLUMN_NAMES.map((name) => ({
        name,
        type: /** @type {LogicalType} */ ("string"),
        description: SOURCE_COLUMN_DOCS[/** @type {keyof typeof SOURCE_COLUMN_DOCS} */ (name)],
      })),
      { name: "_source_file", type: "string", notNull: true, description: "The file the line came from: its name for local files, its gs:// URI for GCS objects." },
      {
        name: "_source_row",
        type: "int64",
        description:
          "1-based record number in the file (1 = the first line after the header; blank lines are not records, and a record with a quoted line break counts once); NULL where the loader cannot know it (BigQuery load jobs).",
      },
      { name: "_load_id", type: "string", notNull: true, description: "Id of the load that landed the line; one per file version (see load_ledger)." },
      { name: "_loaded_at", type: "timestamp", notNull: true, description: "When the load ran (UTC)." },
    ],
    clusterBy: ["_source_file"],
  },
  load_ledger: {
    name: "load_ledger",
    description:
      "The loader's record of what it landed. Grain: one row per loaded file version. Loading the same version again adds nothing; a changed version replaces that file's rows in raw_sales.",
    columns: [
      { name: "load_id", type: "string", notNull: true, description: "Id of the load; raw_sales._load_id points here." },
      { name: "source_file", type: "string", notNull: true, description: "File name or gs:// URI, as in raw_sales._source_file: local files are identified by their name." },
      { name: "source_path", type: "string", notNull: true, description: "Where the file was loaded from (absolute path or gs:// URI)." },
      { name: "file_size", type: "int64", description: "Size of the file in bytes; NULL for files landed by the scheduled ingestion (SQL cannot see object sizes)." },
      {
        name: "checksum",
        type: "string",
        notNull: true,
        description:
          "The version: SHA-256 of the file's bytes (local files), the object generation (GCS, by `ecom load`), or `content:` and a fingerprint of the lines (the scheduled ingestion).",
      },
      { name: "rows_loaded", type: "int64", notNull: true, description: "Data lines landed in raw_sales." },
      { name: "loaded_at", type: "timestamp", notNull: true, description: "When the load ran (UTC)." },
      {
        name: "malformed_lines",
        type: "int64",
        notNull: true,
        defaultSql: "0",
        description: "Lines of this version set aside in raw_sales_malformed (0 unless the load allowed them).",
      },
    ],
  },
  raw_sales_malformed: {
    name: "raw_sales_malformed",
    description:
      "Lines the loader could not read as CSV records of the file's header (wrong number of fields, a quote left open), kept aside when a load allows it (`--max-bad-lines N`); without that, the whole file is refused. Grain: one row per malformed physical line of a loaded file version.",
    columns: [
      { name: "source_file", type: "string", notNull: true, description: "The file the line came from, as in raw_sales._source_file." },
      { name: "line_number", type: "int64", notNull: true, description: "Physical line number in the file (the header is line 1)." },
      { name: "raw_line", type: "string", notNull: true, description: "The line's text as written." },
      { name: "problem", type: "string", notNull: true, description: "What is wrong with it, e.g. `expected 8 fields, found 9`." },
      { name: "_load_id", type: "string", notNull: true, description: "Load that set the line aside." },
      { name: "_loaded_at", type: "timestamp", notNull: true, description: "When that load ran (UTC)." },
    ],
  },
});

module.exports = {
  DATASETS,
  SOURCE_COLUMNS,
  SOURCE_COLUMN_NAMES,
  SOURCE_HEADER_LINE,
  REJECT_REASONS,
  REJECT_REASON_LIST,
  LANDING_TABLES,
};
