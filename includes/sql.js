// @ts-check
/**
 * Every difference between BigQuery SQL and DuckDB SQL in this project lives here, behind small
 * functions, so that the models never branch on the warehouse themselves (the counterpart of dbt's
 * cross-database macros). The dialect is the Dataform var `dialect`: `bigquery` (default) or `duckdb`.
 *
 * Each function returns a SQL fragment. Arguments are SQL expressions, not values: quote literals
 * yourself (`sql.safeCast("'12'", sql.types.int64)`).
 */

/** @typedef {"bigquery" | "duckdb"} Dialect */
/** @typedef {"string" | "int64" | "numeric" | "float64" | "bool" | "date" | "datetime" | "timestamp"} LogicalType */

/** @type {readonly Dialect[]} */
const DIALECTS = ["bigquery", "duckdb"];

/**
 * Type names per dialect. DuckDB's bare NUMERIC is DECIMAL(18,3), which would silently round money,
 * so NUMERIC is spelt out with BigQuery's precision and scale.
 * @type {Record<Dialect, Record<LogicalType, string>>}
 */
const TYPE_NAMES = {
  bigquery: {
    string: "STRING",
    int64: "INT64",
    numeric: "NUMERIC",
    float64: "FLOAT64",
    bool: "BOOL",
    date: "DATE",
    datetime: "DATETIME",
    timestamp: "TIMESTAMP",
  },
  duckdb: {
    string: "VARCHAR",
    int64: "BIGINT",
    numeric: "DECIMAL(38, 9)",
    float64: "DOUBLE",
    bool: "BOOLEAN",
    date: "DATE",
    datetime: "TIMESTAMP",
    // An instant, kept in UTC: DuckDB's TIMESTAMP holds it as BigQuery's TIMESTAMP does, without a zone.
    timestamp: "TIMESTAMP",
  },
};

/** Stands in for NULL inside surrogate keys, so that NULL and '' hash differently. */
const NULL_MARKER = "'~null~'";

/**
 * @param {unknown} value
 * @returns {Dialect}
 */
function parseDialect(value) {
  const dialect = value === undefined || value === "" ? "bigquery" : value;
  if (dialect !== "bigquery" && dialect !== "duckdb") {
    throw new Error(
      `Unknown dialect ${JSON.stringify(value)}: set the Dataform var "dialect" to one of ${DIALECTS.join(", ")}.`
    );
  }
  return dialect;
}

/**
 * The SQL helpers for one dialect. Exported for unit tests and tools; models use the module's
 * top-level functions, bound to the compile's dialect.
 * @param {Dialect} dialect
 */
function forDialect(dialect) {
  const bigquery = parseDialect(dialect) === "bigquery";
  const types = TYPE_NAMES[dialect];

  /**
   * CAST that yields NULL instead of failing.
   * @param {string} expression
   * @param {string} typeName a name from `types`
   */
  function safeCast(expression, typeName) {
    if (bigquery) return `SAFE_CAST(${expression} AS ${typeName})`;
    if (typeName === types.numeric) {
      // DuckDB parses text into DECIMAL(38, 9) (128-bit) about 25 times slower than into
      // DECIMAL(18, 9); the wide parse runs only for the rare values too big for the narrow one.
      return `COALESCE(CAST(TRY_CAST(${expression} AS DECIMAL(18, 9)) AS ${typeName}), TRY_CAST(${expression} AS ${typeName}))`;
    }
    return `TRY_CAST(${expression} AS ${typeName})`;
  }

  /**
   * Parses a string into a DATETIME (no time zone) with the first of `formats` that matches the
   * whole string; NULL when none does. Formats use strftime codes (%Y %m %d %H %M %S), which both
   * engines accept with or without zero padding when parsing.
   * @param {string} expression
   * @param {readonly string[]} formats
   */
  function parseDatetime(expression, formats) {
    if (formats.length === 0) throw new Error("parseDatetime needs at least one format");
    if (bigquery) {
      const attempts = formats.map((format) => `SAFE.PARSE_DATETIME('${format}', ${expression})`);
      return attempts.length === 1 ? String(attempts[0]) : `COALESCE(${attempts.join(", ")})`;
    }
    const list = formats.map((format) => `'${format}'`).join(", ");
    return `CAST(TRY_STRPTIME(${expression}, [${list}]) AS TIMESTAMP)`;
  }

  /**
   * Whole days from `earlier` to `later` (DATE expressions); positive when later is after earlier.
   * @param {string} later
   * @param {string} earlier
   */
  function dateDiffDays(later, earlier) {
    return bigquery ? `DATE_DIFF(${later}, ${earlier}, DAY)` : `DATE_DIFF('day', ${earlier}, ${later})`;
  }

  /**
   * A DATE plus a whole number of days.
   * @param {string} date
   * @param {number | string} days
   */
  function dateAddDays(date, days) {
    return bigquery ? `DATE_ADD(${date}, INTERVAL ${days} DAY)` : `CAST(${date} + INTERVAL (${days}) DAY AS DATE)`;
  }

  /**
   * First day of the DATE's calendar month, as a DATE.
   * @param {string} date
   */
  function monthStart(date) {
    return bigquery ? `DATE_TRUNC(${date}, MONTH)` : `CAST(DATE_TRUNC('month', ${date}) AS DATE)`;
  }

  /**
   * Formats a DATE with strftime codes (`%B` month name, `%A` day name), in English on both engines.
   * @param {string} date
   * @param {string} format
   */
  function formatDate(date, format) {
    return bigquery ? `FORMAT_DATE('${format}', ${date})` : `STRFTIME(${date}, '${format}')`;
  }

  /**
   * ISO 8601 week number (weeks start on Monday; week 1 holds the year's first Thursday).
   * @param {string} date
   */
  function isoWeek(date) {
    return bigquery ? `EXTRACT(ISOWEEK FROM ${date})` : `EXTRACT(WEEK FROM ${date})`;
  }

  /**
   * ISO day of week: Monday = 1 ... Sunday = 7. (BigQuery's DAYOFWEEK counts from Sunday = 1.)
   * @param {string} date
   */
  function isoDayOfWeek(date) {
    return bigquery ? `MOD(EXTRACT(DAYOFWEEK FROM ${date}) + 5, 7) + 1` : `ISODOW(${date})`;
  }

  /**
   * A whole query returning one row per day from `first` to `last` inclusive, in a DATE column
   * named `alias`. The bounds are DATE expressions, scalar subqueries allowed.
   * @param {string} first
   * @param {string} last
   * @param {string} [alias]
   */
  function dateSpine(first, last, alias = "date_day") {
    return bigquery
      ? `SELECT ${alias} FROM UNNEST(GENERATE_DATE_ARRAY(${first}, ${last})) AS ${alias}`
      : `SELECT CAST(UNNEST(GENERATE_SERIES(CAST(${first} AS TIMESTAMP), CAST(${last} AS TIMESTAMP), INTERVAL 1 DAY)) AS DATE) AS ${alias}`;
  }

  /**
   * TRUE when the STRING expression contains a match of the RE2 pattern. The pattern must not
   * contain a single quote.
   * @param {string} expression
   * @param {string} pattern
   */
  function regexpContains(expression, pattern) {
    if (pattern.includes("'")) throw new Error(`regexpContains: pattern ${pattern} contains a single quote`);
    return bigquery ? `REGEXP_CONTAINS(${expression}, r'${pattern}')` : `REGEXP_MATCHES(${expression}, '${pattern}')`;
  }

  /**
   * Lower-case hexadecimal MD5 of a STRING expression, identical on both engines.
   * @param {string} expression
   */
  function md5Hex(expression) {
    return bigquery ? `TO_HEX(MD5(${expression}))` : `MD5(${expression})`;
  }

  /**
   * A stable key from several STRING or INT64 expressions: the MD5 of their text joined by the
   * ASCII unit separator, NULLs marked. Identical on both engines for strings and integers (other
   * types print differently, so cast them to STRING in a form you control first).
   * @param {readonly string[]} expressions
   */
  function surrogateKey(expressions) {
    if (expressions.length === 0) throw new Error("surrogateKey needs at least one expression");
    const separator = bigquery ? "CODE_POINTS_TO_STRING([31])" : "CHR(31)";
    const parts = expressions.map((expression) => `COALESCE(CAST(${expression} AS ${types.string}), ${NULL_MARKER})`);
    return md5Hex(`CONCAT(${parts.join(`, ${separator}, `)})`);
  }

  /**
   * A SQL string literal. Quotes are escaped as each engine expects (BigQuery: backslash; DuckDB:
   * doubled quote), which is why segment names such as "Can't Lose Them" go through here.
   * @param {string} text
   */
  function stringLiteral(text) {
    return bigquery
      ? `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`
      : `'${text.replace(/'/g, "''")}'`;
  }

  /**
   * `numerator / denominator` as NUMERIC (9 decimal places), NULL when the denominator is 0 or NULL.
   * DuckDB divides decimals in floating point; casting the quotient back to DECIMAL(38, 9) gives the
   * same digits as BigQuery's NUMERIC division for any amount this project handles.
   * @param {string} numerator
   * @param {string} denominator
   */
  function numericDivide(numerator, denominator) {
    return bigquery
      ? `SAFE_DIVIDE(${numerator}, ${denominator})`
      : `CAST(${numerator} / NULLIF(${denominator}, 0) AS ${types.numeric})`;
  }

  /**
   * `numerator / denominator` as FLOAT64, NULL when the denominator is 0 or NULL. For ratios and
   * shares, never for money.
   * @param {string} numerator
   * @param {string} denominator
   */
  function floatDivide(numerator, denominator) {
    return `CAST(${numerator} AS ${types.float64}) / NULLIF(${denominator}, 0)`;
  }

  /**
   * SUM of an INT64 expression, as INT64 on both engines: DuckDB widens the SUM of a BIGINT to
   * HUGEINT (128 bits), which clients read differently, so it is cast back; like BigQuery, a sum
   * beyond INT64 then fails instead of passing silently.
   * @param {string} expression
   */
  function sumInt64(expression) {
    return bigquery ? `SUM(${expression})` : `CAST(SUM(${expression}) AS ${types.int64})`;
  }

  /**
   * The integer YYYYMMDD key of a DATE, as used by dim_dates.date_key.
   * @param {string} date
   */
  function dateKey(date) {
    return `(EXTRACT(YEAR FROM ${date}) * 10000 + EXTRACT(MONTH FROM ${date}) * 100 + EXTRACT(DAY FROM ${date}))`;
  }

  return Object.freeze({
    dialect,
    types: Object.freeze({ ...types }),
    safeCast,
    parseDatetime,
    dateDiffDays,
    dateAddDays,
    monthStart,
    formatDate,
    isoWeek,
    isoDayOfWeek,
    dateSpine,
    regexpContains,
    md5Hex,
    surrogateKey,
    stringLiteral,
    numericDivide,
    floatDivide,
    sumInt64,
    dateKey,
  });
}

/**
 * The compile's dialect: Dataform's `dataform` global exists while includes are evaluated by a
 * compile; outside one (unit tests, tools) the default applies.
 * @returns {Dialect}
 */
function compileDialect() {
  const vars = typeof dataform === "undefined" ? undefined : dataform.projectConfig.vars;
  return parseDialect(vars ? vars.dialect : undefined);
}

module.exports = { ...forDialect(compileDialect()), DIALECTS, forDialect, parseDialect };
