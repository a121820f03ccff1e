// @ts-check
/**
 * What this project knows about Online Retail exports: how their columns are named, how their dates
 * are written, which stock codes are not products, and how product descriptions map to categories.
 * Shared by the Dataform models and the TypeScript loader, so both read files the same way.
 */

const contract = require("./contract");
const sql = require("./sql");

// The source columns are contract data (includes/contract.js); re-exported for the readers of headers.
const { SOURCE_COLUMNS, SOURCE_COLUMN_NAMES } = contract;

/**
 * The form a header name is compared in.
 * @param {string} header
 */
function normaliseHeader(header) {
  return header.toLowerCase().replace(/[\s_]+/g, "");
}

/**
 * Invoice timestamps as the exports write them, tried in this order: the classic `data.csv`
 * (`12/1/2010 8:26`, month first, padding optional) and pandas re-exports (`2010-12-01 08:26:00`).
 */
const INVOICE_DATE_FORMATS = Object.freeze(["%m/%d/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]);

/** Customer ids written by pandas re-exports as floats (`17850.0`), which stand for the integer. */
const CUSTOMER_ID_PATTERN = "^[0-9]+([.]0+)?$";

/** Values of CustomerID that mean "no customer". Compared after trimming, case-insensitively. */
const MISSING_CUSTOMER_VALUES = Object.freeze(["", "NA", "NAN", "NULL"]);

/**
 * Product stock codes: five digits and an optional letter suffix, once upper-cased. Everything
 * else (POST, DOT, M, BANK CHARGES, AMAZONFEE, gift vouchers, ...) is a fee, a manual line or a voucher.
 */
const PRODUCT_CODE_PATTERN = "^[0-9]{5}[A-Z]*$";

/**
 * Product categories from description keywords. The first rule with a keyword contained in the
 * upper-cased description wins; products matching none are `Other`.
 * @type {ReadonlyArray<{ category: string, keywords: readonly string[] }>}
 */
const CATEGORY_RULES = Object.freeze([
  { category: "Christmas", keywords: ["CHRISTMAS", "XMAS", "ADVENT", "SANTA", "REINDEER", "SNOWFLAKE"] },
  { category: "Bags", keywords: ["BAG", "SHOPPER", "TOTE"] },
  { category: "Candles & Lighting", keywords: ["CANDLE", "T-LIGHT", "TEALIGHT", "LANTERN", "LIGHT", "LAMP"] },
  { category: "Kitchen & Dining", keywords: ["MUG", "CUP", "PLATE", "BOWL", "TEAPOT", "CAKE", "BAKING", "JAR", "NAPKIN", "LUNCH", "BOTTLE", "SPOON", "TRAY", "TEA"] },
  { category: "Stationery & Cards", keywords: ["CARD", "PAPER", "NOTEBOOK", "PENCIL", "PEN ", "WRAP", "STICKER", "ENVELOPE", "CALENDAR", "BOOK"] },
  { category: "Toys & Games", keywords: ["TOY", "GAME", "PUZZLE", "DOLL", "PLAYHOUSE", "SKIPPING ROPE", "SPACEBOY"] },
  { category: "Garden & Outdoor", keywords: ["GARDEN", "PLANT", "FLOWER POT", "WATERING", "BIRD"] },
  { category: "Home Decor", keywords: ["FRAME", "CLOCK", "SIGN", "CUSHION", "DOORMAT", "MIRROR", "VASE", "HOLDER", "HANGING", "DECORATION", "WREATH", "GARLAND", "BUNTING"] },
  { category: "Storage", keywords: ["BOX", "TIN", "BASKET", "CASE", "DRAWER", "STORAGE"] },
  { category: "Jewellery & Accessories", keywords: ["NECKLACE", "BRACELET", "EARRINGS", "RING", "HAIR", "PURSE", "UMBRELLA"] },
]);

/** Category of lines whose stock code is not a product. */
const NON_PRODUCT_CATEGORY = "Non-product";
/** Category of products that no rule matches, or that have no description. */
const OTHER_CATEGORY = "Other";

/**
 * A CASE expression giving the category of a product from its description.
 * @param {string} descriptionExpression upper-case is applied here
 * @param {string} isProductExpression BOOL
 * @param {ReadonlyArray<{ category: string, keywords: readonly string[] }>} [rules]
 * @param {{ stringLiteral: (text: string) => string }} [dialectSql] defaults to the compile's dialect
 */
function categoryCase(descriptionExpression, isProductExpression, rules = CATEGORY_RULES, dialectSql = sql) {
  const literal = dialectSql.stringLiteral;
  const whens = rules.map(({ category, keywords }) => {
    if (keywords.length === 0) throw new Error(`category ${category} has no keywords`);
    const tests = keywords.map((keyword) => {
      // % and _ are LIKE wildcards: a keyword holding one would match more than it says.
      if (/[%_]/.test(keyword)) throw new Error(`category keyword ${JSON.stringify(keyword)} may not contain % or _`);
      return `UPPER(${descriptionExpression}) LIKE ${literal(`%${keyword}%`)}`;
    });
    return `    WHEN ${tests.join(" OR ")} THEN ${literal(category)}`;
  });
  return [
    "CASE",
    `    WHEN NOT ${isProductExpression} THEN ${literal(NON_PRODUCT_CATEGORY)}`,
    `    WHEN ${descriptionExpression} IS NULL THEN ${literal(OTHER_CATEGORY)}`,
    ...whens,
    `    ELSE ${literal(OTHER_CATEGORY)}`,
    "  END",
  ].join("\n");
}

/**
 * Every row of `relation` (stg_sales_typed's rows, or some of them) and its `occurrence`: its number
 * among the identical lines of its file (same line hash), 1, 2, ... Identical lines are
 * interchangeable, so any numbering of them gives the same set of keys, and no line order is needed
 * (a BigQuery load job does not keep one). They are numbered in line order where the loader knows it
 * all the same: without an order each engine numbers them its own way, and the same key would name a
 * different line on BigQuery and on DuckDB. A line is its file and line number, which the local loader
 * always knows (see sql.rowNumbered).
 * @param {string} relation a table name or a parenthesised query with line_hash, _source_file and _source_row
 * @param {{ rowNumbered: typeof sql.rowNumbered }} [dialectSql] defaults to the compile's dialect
 */
function numberedLines(relation, dialectSql = sql) {
  return dialectSql.rowNumbered(relation, { partitionBy: "line_hash", orderBy: "_source_row", rowKey: ["_source_file", "_source_row"], alias: "occurrence" });
}

/**
 * SQL list literal of the missing-customer markers, for `UPPER(TRIM(x)) IN (...)`.
 */
function missingCustomerList() {
  return MISSING_CUSTOMER_VALUES.map((value) => `'${value}'`).join(", ");
}

module.exports = {
  SOURCE_COLUMNS,
  SOURCE_COLUMN_NAMES,
  normaliseHeader,
  INVOICE_DATE_FORMATS,
  CUSTOMER_ID_PATTERN,
  MISSING_CUSTOMER_VALUES,
  PRODUCT_CODE_PATTERN,
  CATEGORY_RULES,
  NON_PRODUCT_CATEGORY,
  OTHER_CATEGORY,
  categoryCase,
  numberedLines,
  missingCustomerList,
};
