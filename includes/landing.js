// @ts-check
/**
 * The landing tables of the data contract (includes/contract.js) rendered for each use: the
 * declarations in definitions/sources take their column docs and types from here, both loaders and
 * the scheduled ingestion operation create the tables from here, in each warehouse's SQL.
 */

const contract = require("./contract");
const sql = require("./sql");

/** The landing tables themselves are contract data (includes/contract.js), re-exported here. */
const { LANDING_TABLES } = contract;

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
