// @ts-check
/**
 * The landing tables of the data contract (dataset ecommerce_raw), written once as data: the
 * declarations in definitions/sources take their column docs and types from here, both loaders and
 * the scheduled ingestion operation create the tables from here, in each warehouse's SQL.
 */

const retail = require("./retail");
const sql = require("./sql");

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
      ...retail.SOURCE_COLUMN_NAMES.map((name) => ({
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

/** The tag that gives a declared column its BigQuery type, read by `ecom check --warehouse bigquery`. */
const TYPE_TAG_PREFIX = "type:";

/**
 * A declaration's `columns` config for a landing table: each column's description, and its BigQuery
 * type as the column tag `type:<TYPE>`, so that tools analysing the graph know the declared types.
 * @param {keyof typeof LANDING_TABLES} table
 */
function declarationColumns(table) {
  const bigquery = sql.forDialect("bigquery");
  /** @type {Record<string, { description: string, tags: string[] }>} */
  const columns = {};
  for (const column of LANDING_TABLES[table].columns) {
    columns[column.name] = { description: column.description, tags: [`${TYPE_TAG_PREFIX}${bigquery.types[column.type]}`] };
  }
  return columns;
}

/**
 * A script creating the landing tables that do not exist yet, in the dialect's SQL (statements
 * separated by `;`).
 * @param {(table: string) => string} qualify the quoted name of a landing table
 * @param {import("./sql").Dialect} [dialect]
 */
function landingTablesDdl(qualify, dialect = "bigquery") {
  const helpers = sql.forDialect(dialect);
  return Object.values(LANDING_TABLES)
    .map((table) => {
      const columns = table.columns.map((column) => {
        // GoogleSQL wants DEFAULT before NOT NULL; DuckDB accepts that order too.
        const defaultSql = column.defaultSql === undefined ? "" : ` DEFAULT ${column.defaultSql}`;
        return `  ${column.name} ${helpers.types[column.type]}${defaultSql}${column.notNull ? " NOT NULL" : ""}`;
      });
      const cluster = dialect === "bigquery" && table.clusterBy ? `\nCLUSTER BY ${table.clusterBy.join(", ")}` : "";
      return `CREATE TABLE IF NOT EXISTS ${qualify(table.name)} (\n${columns.join(",\n")}\n)${cluster};`;
    })
    .join("\n");
}

module.exports = { LANDING_TABLES, TYPE_TAG_PREFIX, declarationColumns, landingTablesDdl };
