// @ts-check
/**
 * Every difference between BigQuery SQL and DuckDB SQL in this project lives here, so that the
 * models never branch on the warehouse themselves (the counterpart of dbt's cross-database macros).
 * The dialect is the Dataform var `dialect`: `bigquery` (default) or `duckdb`.
 *
 * Dialects are data with a default, as dbt's `default__` macros and Kysely's query compilers are:
 * `GoogleSqlDialect` writes every helper once, in GoogleSQL (BigQuery's SQL); a warehouse is a
 * subclass that overrides only what it spells differently (`DuckDbDialect`). Helpers build on each
 * other through `this` (`surrogateKey` hashes with `this.md5Hex`), so an override is also used by
 * the base helpers built on it. A third warehouse is one subclass and one entry in `DIALECT_CLASSES`.
 *
 * Each helper returns a SQL fragment. Arguments are SQL expressions, not values: quote literals
 * yourself (`sql.safeCast("'12'", sql.types.int64)`).
 */

/** @typedef {"bigquery" | "duckdb"} Dialect */
/** @typedef {"string" | "int64" | "numeric" | "float64" | "bool" | "date" | "datetime" | "timestamp"} LogicalType */
/** @typedef {Readonly<Record<LogicalType, string>>} TypeNames */

/** Stands in for NULL inside surrogate keys, so that NULL and '' hash differently. */
const NULL_MARKER = "'~null~'";

/** The base dialect: GoogleSQL, as BigQuery runs it. Every helper is written here, once. */
class GoogleSqlDialect {
  /** The name the Dataform var `dialect` gives this warehouse. */
  dialect = "bigquery";

  /**
   * Type names of the logical types.
   * @type {TypeNames}
   */
  types = Object.freeze({
    string: "STRING",
    int64: "INT64",
    numeric: "NUMERIC",
    float64: "FLOAT64",
    bool: "BOOL",
    date: "DATE",
    datetime: "DATETIME",
    timestamp: "TIMESTAMP",
  });

  /**
   * CAST that yields NULL instead of failing.
   * @param {string} expression
   * @param {string} typeName a name from `types`
   * @returns {string}
   */
  safeCast(expression, typeName) {
    return `SAFE_CAST(${expression} AS ${typeName})`;
  }

  /**
   * Parses a string into a DATETIME (no time zone) with the first of `formats` that matches the
   * whole string; NULL when none does. Formats use strftime codes (%Y %m %d %H %M %S), which both
   * engines accept with or without zero padding when parsing.
   * @param {string} expression
   * @param {readonly string[]} formats
   * @returns {string}
   */
  parseDatetime(expression, formats) {
    requireSome(formats, "parseDatetime needs at least one format");
    const attempts = formats.map((format) => `SAFE.PARSE_DATETIME('${format}', ${expression})`);
    return attempts.length === 1 ? String(attempts[0]) : `COALESCE(${attempts.join(", ")})`;
  }

  /**
   * Whole days from `earlier` to `later` (DATE expressions); positive when later is after earlier.
   * @param {string} later
   * @param {string} earlier
   * @returns {string}
   */
  dateDiffDays(later, earlier) {
    return `DATE_DIFF(${later}, ${earlier}, DAY)`;
  }

  /**
   * A DATE plus a whole number of days.
   * @param {string} date
   * @param {number | string} days
   * @returns {string}
   */
  dateAddDays(date, days) {
    return `DATE_ADD(${date}, INTERVAL ${days} DAY)`;
  }

  /**
   * First day of the DATE's calendar month, as a DATE.
   * @param {string} date
   * @returns {string}
   */
  monthStart(date) {
    return `DATE_TRUNC(${date}, MONTH)`;
  }

  /**
   * Formats a DATE with strftime codes (`%B` month name, `%A` day name), in English on both engines.
   * @param {string} date
   * @param {string} format
   * @returns {string}
   */
  formatDate(date, format) {
    return `FORMAT_DATE('${format}', ${date})`;
  }

  /**
   * ISO 8601 week number (weeks start on Monday; week 1 holds the year's first Thursday).
   * @param {string} date
   * @returns {string}
   */
  isoWeek(date) {
    return `EXTRACT(ISOWEEK FROM ${date})`;
  }

  /**
   * ISO day of week: Monday = 1 ... Sunday = 7. (BigQuery's DAYOFWEEK counts from Sunday = 1.)
   * @param {string} date
   * @returns {string}
   */
  isoDayOfWeek(date) {
    return `MOD(EXTRACT(DAYOFWEEK FROM ${date}) + 5, 7) + 1`;
  }

  /**
   * A whole query returning one row per day from `first` to `last` inclusive, in a DATE column
   * named `alias`. The bounds are DATE expressions, scalar subqueries allowed.
   * @param {string} first
   * @param {string} last
   * @param {string} [alias]
   * @returns {string}
   */
  dateSpine(first, last, alias = "date_day") {
    return `SELECT ${alias} FROM UNNEST(GENERATE_DATE_ARRAY(${first}, ${last})) AS ${alias}`;
  }

  /**
   * TRUE when the STRING expression contains a match of the RE2 pattern. The pattern must not
   * contain a single quote.
   * @param {string} expression
   * @param {string} pattern
   * @returns {string}
   */
  regexpContains(expression, pattern) {
    if (pattern.includes("'")) throw new Error(`regexpContains: pattern ${pattern} contains a single quote`);
    return `REGEXP_CONTAINS(${expression}, r'${pattern}')`;
  }

  /**
   * Lower-case hexadecimal MD5 of a STRING expression, identical on both engines.
   * @param {string} expression
   * @returns {string}
   */
  md5Hex(expression) {
    return `TO_HEX(MD5(${expression}))`;
  }

  /**
   * The one-character STRING holding ASCII 31, the unit separator: it cannot occur in the data,
   * so values joined by it cannot run into each other.
   * @returns {string}
   */
  unitSeparator() {
    return "CODE_POINTS_TO_STRING([31])";
  }

  /**
   * The ORDER BY, if any, that a table's build ends with so the engine stores its rows in that order.
   * BigQuery keeps no row order (clusterBy is its way to lay a table out), so nothing here.
   * @param {readonly string[]} _columns
   * @returns {string}
   */
  storageOrder(_columns) {
    return "";
  }

  /**
   * A query giving every column of `relation` and one more, `alias`: the row's ROW_NUMBER() among the
   * rows of equal `partitionBy`, in `orderBy` order. `relation` is a table name or a parenthesised
   * query; the other arguments are column names of it. `rowKey` names columns that together tell
   * every row of the relation from every other, none NULL, on the warehouses that use it (DuckDB,
   * below); BigQuery numbers the rows where they are.
   * @param {string} relation
   * @param {{ partitionBy: string, orderBy: string, rowKey: readonly string[], alias: string }} numbering
   * @returns {string}
   */
  rowNumbered(relation, { partitionBy, orderBy, rowKey, alias }) {
    requireSome(rowKey, "rowNumbered needs the columns of a row key");
    return `SELECT numbered.*, ROW_NUMBER() OVER (PARTITION BY numbered.${partitionBy} ORDER BY numbered.${orderBy}) AS ${alias}
  FROM ${relation} AS numbered`;
  }

  /**
   * A statement that sets a script variable from a query, for the statements after it in the same
   * action. Dataform sends an action's pre-operations, its statement and its post-operations to
   * BigQuery as one script, and BigQuery wants a DECLARE before any other statement of it, so put
   * this first. A filter on a variable is a constant to the engine: BigQuery prunes partitions and
   * DuckDB skips row groups with it, which a subquery in the filter prevents on both.
   * @param {string} name
   * @param {string} typeName e.g. `this.types.timestamp`
   * @param {string} query a query returning one value
   * @returns {string}
   */
  declareVariable(name, typeName, query) {
    return `DECLARE ${name} ${typeName} DEFAULT (${query})`;
  }

  /**
   * The value of a variable set by `declareVariable` earlier in the action.
   * @param {string} name
   * @returns {string}
   */
  variable(name) {
    return name;
  }

  /**
   * A stable key from several STRING or INT64 expressions: the MD5 of their text joined by the
   * unit separator, NULLs marked. Identical on both engines for strings and integers (other
   * types print differently, so cast them to STRING in a form you control first).
   * @param {readonly string[]} expressions
   * @returns {string}
   */
  surrogateKey(expressions) {
    requireSome(expressions, "surrogateKey needs at least one expression");
    const parts = expressions.map((expression) => `COALESCE(CAST(${expression} AS ${this.types.string}), ${NULL_MARKER})`);
    return this.md5Hex(`CONCAT(${parts.join(`, ${this.unitSeparator()}, `)})`);
  }

  /**
   * A SQL string literal, its quotes escaped as the engine expects (BigQuery: backslash), which is
   * why segment names such as "Can't Lose Them" go through here.
   * @param {string} text
   * @returns {string}
   */
  stringLiteral(text) {
    return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  }

  /**
   * `numerator / denominator` as NUMERIC (9 decimal places), NULL when the denominator is 0 or NULL.
   * @param {string} numerator
   * @param {string} denominator
   * @returns {string}
   */
  numericDivide(numerator, denominator) {
    return `SAFE_DIVIDE(${numerator}, ${denominator})`;
  }

  /**
   * `numerator / denominator` as FLOAT64, NULL when the denominator is 0 or NULL. For ratios and
   * shares, never for money.
   * @param {string} numerator
   * @param {string} denominator
   * @returns {string}
   */
  floatDivide(numerator, denominator) {
    return `CAST(${numerator} AS ${this.types.float64}) / NULLIF(${denominator}, 0)`;
  }

  /**
   * SUM of an INT64 expression, as INT64 (a sum beyond INT64 fails instead of passing silently).
   * @param {string} expression
   * @returns {string}
   */
  sumInt64(expression) {
    return `SUM(${expression})`;
  }

  /**
   * The integer YYYYMMDD key of a DATE, as used by dim_dates.date_key.
   * @param {string} date
   * @returns {string}
   */
  dateKey(date) {
    return `(EXTRACT(YEAR FROM ${date}) * 10000 + EXTRACT(MONTH FROM ${date}) * 100 + EXTRACT(DAY FROM ${date}))`;
  }
}

/** DuckDB, for the local runner: only what it spells differently from GoogleSQL. */
class DuckDbDialect extends GoogleSqlDialect {
  /** @override */
  dialect = "duckdb";

  /**
   * DuckDB's window carries every column of its rows through its partitioning and sorting: numbering
   * whole lines cost stg_sales as much as typing them. So only the row key and the two numbering
   * columns go through the window, and the numbers are joined back onto the rows. Only the numbers
   * above 1 are joined back (every other row is the first of its kind): the join's build side is
   * the few repeated lines, not every line, and stg_sales on the real dataset 18 times over (87,822
   * repeated keys among 9,754,362 lines) builds in 29.0-31.4 s instead of 36.0-45.0 s, the same rows
   * (the real dataset itself: the same, 1.7 s). The relation is read twice (not a CTE: DuckDB would
   * materialise a CTE read twice), the window's read only for the few columns it needs. A row whose
   * key has a NULL in it matches no number and is taken for the first of its kind; the local loader
   * numbers every line, and the uniqueKey assertion catches a repeated line numbered that way.
   * @override
   * @param {string} relation
   * @param {{ partitionBy: string, orderBy: string, rowKey: readonly string[], alias: string }} numbering
   */
  rowNumbered(relation, { partitionBy, orderBy, rowKey, alias }) {
    requireSome(rowKey, "rowNumbered needs the columns of a row key");
    const on = rowKey.map((column) => `numbered.${column} = numbers.${column}`).join(" AND ");
    return `SELECT numbered.*, COALESCE(numbers.${alias}, 1) AS ${alias}
  FROM ${relation} AS numbered
  LEFT JOIN (
    SELECT ${rowKey.join(", ")}, ${alias}
    FROM (
      SELECT ${rowKey.join(", ")}, ROW_NUMBER() OVER (PARTITION BY ${partitionBy} ORDER BY ${orderBy}) AS ${alias}
      FROM ${relation} AS numbering
    ) AS all_numbers
    WHERE ${alias} > 1
  ) AS numbers
    ON ${on}`;
  }

  /**
   * DuckDB writes a table's rows in row groups of 122,880. Loads appended to raw_sales leave row
   * groups short of that among the full ones (the real dataset as 13 monthly loads: 63,033, 84,711
   * and 25,525 rows), and a build that keeps raw_sales' order (stg_sales' join of the numbers of
   * identical lines keeps the order of the typed rows) inherits those short batches: DuckDB merges
   * them when the build commits and writes them at the next checkpoint, on one thread. Measured on
   * those 13 monthly loads: a full rebuild without this sort left 0.82 s to the checkpoint, 0.02 s
   * once raw_sales was rewritten in full row groups, and 0.02 s with the sort, which costs about
   * 0.1 s (without the order kept at all, preserve_insertion_order off, 0.42 s). One load is the
   * other case: on the real dataset x18 in one file stg_sales builds in 15.1 s without the sort and
   * 22.4 s with it, which then spills; the common case, a load a month, decides. Sorted by load and
   * line, each load's rows sit together, so a read of the newest loads skips the rest.
   * @override
   * @param {readonly string[]} columns
   */
  storageOrder(columns) {
    requireSome(columns, "storageOrder needs at least one column");
    return `ORDER BY ${columns.join(", ")}`;
  }

  /**
   * A DuckDB variable lives in the connection, which runs the action's statements one after another.
   * @override
   * @param {string} name
   * @param {string} typeName
   * @param {string} query
   */
  declareVariable(name, typeName, query) {
    return `SET VARIABLE ${name} = CAST((${query}) AS ${typeName})`;
  }

  /**
   * @override
   * @param {string} name
   */
  variable(name) {
    return `getvariable('${name}')`;
  }

  /**
   * DuckDB's bare NUMERIC is DECIMAL(18,3), which would silently round money, so NUMERIC is spelt
   * out with BigQuery's precision and scale.
   * @override
   * @type {TypeNames}
   */
  types = Object.freeze({
    ...new GoogleSqlDialect().types,
    string: "VARCHAR",
    int64: "BIGINT",
    numeric: "DECIMAL(38, 9)",
    float64: "DOUBLE",
    bool: "BOOLEAN",
    datetime: "TIMESTAMP",
    // An instant, kept in UTC: DuckDB's TIMESTAMP holds it as BigQuery's TIMESTAMP does, without a zone.
    timestamp: "TIMESTAMP",
  });

  /** @override @param {string} expression @param {string} typeName */
  safeCast(expression, typeName) {
    if (typeName === this.types.numeric) {
      // DuckDB parses text into DECIMAL(38, 9) (128-bit) about 25 times slower than into
      // DECIMAL(18, 9); the wide parse runs only for the rare values too big for the narrow one.
      return `COALESCE(CAST(TRY_CAST(${expression} AS DECIMAL(18, 9)) AS ${typeName}), TRY_CAST(${expression} AS ${typeName}))`;
    }
    return `TRY_CAST(${expression} AS ${typeName})`;
  }

  /** @override @param {string} expression @param {readonly string[]} formats */
  parseDatetime(expression, formats) {
    requireSome(formats, "parseDatetime needs at least one format");
    const list = formats.map((format) => `'${format}'`).join(", ");
    return `CAST(TRY_STRPTIME(${expression}, [${list}]) AS TIMESTAMP)`;
  }

  /** @override @param {string} later @param {string} earlier */
  dateDiffDays(later, earlier) {
    return `DATE_DIFF('day', ${earlier}, ${later})`;
  }

  /** @override @param {string} date @param {number | string} days */
  dateAddDays(date, days) {
    return `CAST(${date} + INTERVAL (${days}) DAY AS DATE)`;
  }

  /** @override @param {string} date */
  monthStart(date) {
    return `CAST(DATE_TRUNC('month', ${date}) AS DATE)`;
  }

  /** @override @param {string} date @param {string} format */
  formatDate(date, format) {
    return `STRFTIME(${date}, '${format}')`;
  }

  /** DuckDB's WEEK is the ISO week. @override @param {string} date */
  isoWeek(date) {
    return `EXTRACT(WEEK FROM ${date})`;
  }

  /** @override @param {string} date */
  isoDayOfWeek(date) {
    return `ISODOW(${date})`;
  }

  /** @override @param {string} first @param {string} last @param {string} [alias] */
  dateSpine(first, last, alias = "date_day") {
    return `SELECT CAST(UNNEST(GENERATE_SERIES(CAST(${first} AS TIMESTAMP), CAST(${last} AS TIMESTAMP), INTERVAL 1 DAY)) AS DATE) AS ${alias}`;
  }

  /** @override @param {string} expression @param {string} pattern */
  regexpContains(expression, pattern) {
    if (pattern.includes("'")) throw new Error(`regexpContains: pattern ${pattern} contains a single quote`);
    return `REGEXP_MATCHES(${expression}, '${pattern}')`;
  }

  /** DuckDB's MD5 is already lower-case hex. @override @param {string} expression */
  md5Hex(expression) {
    return `MD5(${expression})`;
  }

  /** @override */
  unitSeparator() {
    return "CHR(31)";
  }

  /** DuckDB escapes a quote by doubling it. @override @param {string} text */
  stringLiteral(text) {
    return `'${text.replace(/'/g, "''")}'`;
  }

  /**
   * DuckDB divides decimals in floating point; casting the quotient back to DECIMAL(38, 9) gives the
   * same digits as BigQuery's NUMERIC division for any amount this project handles.
   * @override @param {string} numerator @param {string} denominator
   */
  numericDivide(numerator, denominator) {
    return `CAST(${numerator} / NULLIF(${denominator}, 0) AS ${this.types.numeric})`;
  }

  /**
   * DuckDB widens the SUM of a BIGINT to HUGEINT (128 bits), which clients read differently, so it
   * is cast back; like BigQuery, a sum beyond INT64 then fails.
   * @override @param {string} expression
   */
  sumInt64(expression) {
    return `CAST(SUM(${expression}) AS ${this.types.int64})`;
  }
}

/** The warehouses the Dataform var `dialect` can name. */
const DIALECT_CLASSES = Object.freeze({ bigquery: GoogleSqlDialect, duckdb: DuckDbDialect });

/** @type {readonly Dialect[]} */
const DIALECTS = Object.freeze(/** @type {Dialect[]} */ (Object.keys(DIALECT_CLASSES)));

/**
 * @param {readonly unknown[]} list
 * @param {string} message
 */
function requireSome(list, message) {
  if (list.length === 0) throw new Error(message);
}

/**
 * @param {unknown} value
 * @returns {Dialect}
 */
function parseDialect(value) {
  const dialect = value === undefined || value === "" ? "bigquery" : value;
  if (typeof dialect !== "string" || !Object.prototype.hasOwnProperty.call(DIALECT_CLASSES, dialect)) {
    throw new Error(
      `Unknown dialect ${JSON.stringify(value)}: set the Dataform var "dialect" to one of ${DIALECTS.join(", ")}.`
    );
  }
  return /** @type {Dialect} */ (dialect);
}

/**
 * The helpers of a dialect as a frozen object of plain functions, each bound to the dialect, so
 * models can call `sql.safeCast(...)` on the module and pass helpers around. Every helper of the
 * prototype chain is bound: the ones the dialect overrides and the ones it inherits from the base.
 * @template {GoogleSqlDialect} D
 * @param {D} dialect
 * @returns {Readonly<D>}
 */
function bindDialect(dialect) {
  /** @type {Record<string, unknown>} */
  const helpers = { dialect: dialect.dialect, types: Object.freeze({ ...dialect.types }) };
  for (let prototype = Object.getPrototypeOf(dialect); prototype !== Object.prototype; prototype = Object.getPrototypeOf(prototype)) {
    for (const name of Object.getOwnPropertyNames(prototype)) {
      if (name === "constructor" || name in helpers) continue;
      helpers[name] = prototype[name].bind(dialect);
    }
  }
  return /** @type {Readonly<D>} */ (Object.freeze(helpers));
}

/**
 * The SQL helpers for one dialect. Exported for unit tests and tools; models use the module's
 * top-level functions, bound to the compile's dialect.
 * @param {Dialect} dialect
 */
function forDialect(dialect) {
  return bindDialect(new DIALECT_CLASSES[parseDialect(dialect)]());
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

module.exports = { ...forDialect(compileDialect()), DIALECTS, forDialect, parseDialect, bindDialect, GoogleSqlDialect, DuckDbDialect };
